/// Turns the bytes of one file into parsed lines: a line assembler and the file's parser.
///
/// One per open file, because some formats keep per-file state (W3C `#Fields:`). It hands each
/// line's result on, to a `LineSink` or a closure; what the time means, and where the line is
/// counted, is the receiver's business.
public struct FileDecoder: Sendable {
    public private(set) var assembler: LineAssembler
    private var parser: any LineParser
    /// What `auto` chose, once its chosen parser replaced it (so lines go to that parser directly).
    private var autoDetected: LogFormat?
    /// `auto`'s shape within the detected format (`AutoParser.shape`), once chosen.
    public var detectedShape: String? { autoShape ?? (parser as? AutoParser)?.shape }
    private var autoShape: String?
    /// A container runtime's envelope, taken off each line before the parser reads it (nil: none).
    private var wrapper: ContainerUnwrapper?
    /// `auto` found no envelope: the unwrapper is gone and lines go straight to the parser.
    private var foundNone = false
    /// Whole wrapped lines gathered for one pass (replay).
    private var batch = WrappedBatch()
    /// The envelope this file's lines carry: `wrapper:`, or what `auto` found in the first line.
    public var detectedWrapper: ContainerWrapper? { foundNone ? ContainerWrapper.none : wrapper?.wrapper }

    public init(format: LogFormat, options: FormatOptions = FormatOptions(), maxLineBytes: Int = 64 * 1024) {
        assembler = LineAssembler(maxLineBytes: maxLineBytes)
        parser = format.makeParser(options)
        if options.wrapper != .none { wrapper = ContainerUnwrapper(options.wrapper, maxLineBytes: maxLineBytes) }
    }

    /// Decodes the complete lines in `chunk` into `sink`; returns how many lines it handed on.
    @discardableResult
    public mutating func decode<S: LineSink>(_ chunk: UnsafeRawBufferPointer, input: Int, arrival: Int64, into sink: inout S) -> Int {
        var lines = 0
        settleWrapper()
        if wrapper != nil {
            Self.feedWrapped(chunk, &assembler, &wrapper!, &parser) { result, line in
                lines += 1
                sink.accept(result, line: line, input: input, arrival: arrival)
            }
            return lines
        }
        Self.feedLines(chunk, &assembler, &parser) { result, line in
            lines += 1
            sink.accept(result, line: line, input: input, arrival: arrival)
        }
        return lines
    }

    /// Hands on a held last line that will never get its newline.
    public mutating func flush<S: LineSink>(input: Int, arrival: Int64, into sink: inout S) {
        flush { sink.accept($0, input: input, arrival: arrival) }
    }

    /// Parses the complete lines in `chunk` and hands each result to `body` (replay drives time
    /// from the lines themselves).
    public mutating func parse(_ chunk: UnsafeRawBufferPointer, _ body: (ParseResult) -> Void) {
        settleWrapper()
        if wrapper != nil { return Self.feedWrapped(chunk, &assembler, &wrapper!, &parser) { r, _ in body(r) } }
        Self.feed(chunk, &assembler, &parser, body)
    }

    /// Parses a held last line, at the end of a file.
    public mutating func flush(_ body: (ParseResult) -> Void) {
        if wrapper != nil {
            assembler.flush { line in Self.unwrapped(line, &wrapper!, &parser) { r, _ in body(r) } }
            return parser.finish(body)
        }
        Self.flush(&assembler, &parser, body)
    }

    /// Parses the complete lines in `chunk` into per-second runs (replay's fast path): the parser's
    /// concrete type is opened once per chunk, so the per-line loop calls it directly.
    public mutating func tally(_ chunk: UnsafeRawBufferPointer, into runs: SecondRuns) {
        unwrapAuto()
        settleWrapper()
        if wrapper != nil {
            // Whole lines in one pass, split lines and stderr one by one (`tallyWrapped`).
            switch parser {
            case var p as CombinedParser:
                parser = Self.placeholder
                runs.withOpen { open, closed in Self.tallyWrapped(chunk, &assembler, &wrapper!, &batch, &p, &open, &closed) }
                parser = p
                return
            case var p as JSONParser:
                parser = Self.placeholder
                runs.withOpen { open, closed in Self.tallyWrapped(chunk, &assembler, &wrapper!, &batch, &p, &open, &closed) }
                parser = p
                return
            case var p as TemplateParser:
                parser = Self.placeholder
                runs.withOpen { open, closed in Self.tallyWrapped(chunk, &assembler, &wrapper!, &batch, &p, &open, &closed) }
                parser = p
                return
            default:
                break
            }
            return runs.withOpen { open, closed in
                Self.feedWrapped(chunk, &assembler, &wrapper!, &parser) { r, _ in open.add(r, closed: &closed) }
            }
        }
        switch parser {
        case var p as CombinedParser:
            // One pass over the chunk's complete lines (`CombinedParser.tally(lines:)`).
            parser = Self.placeholder
            runs.withOpen { open, closed in
                assembler.feed(chunk, line: { open.add(p.parse($0), closed: &closed) },
                               lines: { p.tally(lines: $0, open: &open, closed: &closed) })
            }
            parser = p
        case var p as JSONParser:
            parser = Self.placeholder
            runs.withOpen { open, closed in
                assembler.feed(chunk, line: { p.parse($0) { open.add($0, closed: &closed) } },
                               lines: { p.tally(lines: $0, open: &open, closed: &closed) })
            }
            parser = p
        case var p as TemplateParser:
            // One pass over the chunk's complete lines (`TemplateParser.tally(lines:)`).
            parser = Self.placeholder
            runs.withOpen { open, closed in
                assembler.feed(chunk, line: { open.add(p.parse($0), closed: &closed) },
                               lines: { p.tally(lines: $0, open: &open, closed: &closed) })
            }
            parser = p
        case var p as PrefixedParser:
            parser = Self.placeholder
            runs.withOpen { open, closed in assembler.feed(chunk) { p.parse($0) { open.add($0, closed: &closed) } } }
            parser = p
        default:
            // The open run is held in place for the whole chunk: one exclusive access, not one per line.
            runs.withOpen { open, closed in Self.feed(chunk, &assembler, &parser) { open.add($0, closed: &closed) } }
        }
    }

    /// Parses a held last line into `runs`, at the end of a file.
    public mutating func flush(into runs: SecondRuns) {
        flush { runs.add($0) }
    }

    /// Whether a JSON object ever went on over several lines (then a file cannot be split in parts).
    public var sawMultiLineObject: Bool {
        switch parser {
        case let p as JSONParser: return p.sawMultiLineObject
        // `auto` before it handed its chosen parser over (that happens at the next `tally`).
        case let p as AutoParser: return (p.chosen as? JSONParser)?.sawMultiLineObject ?? false
        default: return false
        }
    }

    /// W3C and CloudFront: how many header lines changed how later lines read (`W3CParser.headerChanges`).
    public var headerChanges: Int { W3CParser.headerChanges(of: parser) }

    /// Stands in for the parser while it is taken out to be mutated in place (no copy of its arrays).
    private static let placeholder: any LineParser = CombinedParser()

    public mutating func reset() {
        assembler.reset()
        wrapper?.reset()
    }

    public var pendingBytes: Int { assembler.pendingBytes }

    /// What `format: auto` chose for this file, once it has.
    public var detectedFormat: LogFormat? { autoDetected ?? parser.detectedFormat }

    /// Once `wrapper: auto` has found no envelope, the lines go straight to the parser (the
    /// unwrapper would hand each on as it is, with no time of its own).
    private mutating func settleWrapper() {
        guard let w = wrapper, w.wrapper == .none else { return }
        wrapper = nil
        foundNone = true
    }

    /// Once `auto` has chosen, its chosen parser takes its place: the same lines, one call less.
    private mutating func unwrapAuto() {
        guard autoDetected == nil, let auto = parser as? AutoParser, let detected = auto.detected, let chosen = auto.chosen else { return }
        parser = chosen
        autoDetected = detected
        autoShape = auto.shape
    }

    // The assembler and the parser are two stored properties, passed in place: a parser that
    // holds arrays (JSON, W3C, a prefix) is mutated where it is, never copied out and back.

    @inline(__always)
    private static func feed(_ chunk: UnsafeRawBufferPointer, _ assembler: inout LineAssembler,
                             _ parser: inout any LineParser, _ body: (ParseResult) -> Void) {
        assembler.feed(chunk) { line in parser.parse(line, into: body) }
    }

    /// As `feed`, handing on each line's bytes with its result (sinks that read labels).
    @inline(__always)
    private static func feedLines(_ chunk: UnsafeRawBufferPointer, _ assembler: inout LineAssembler,
                                  _ parser: inout any LineParser, _ body: (ParseResult, UnsafeRawBufferPointer) -> Void) {
        assembler.feed(chunk) { line in parser.parse(line) { body($0, line) } }
    }

    /// As `feedLines`, through a container runtime's envelope: the parser and the sink see the line
    /// inside it.
    private static func feedWrapped(_ chunk: UnsafeRawBufferPointer, _ assembler: inout LineAssembler, _ wrapper: inout ContainerUnwrapper,
                                    _ parser: inout any LineParser, _ body: (ParseResult, UnsafeRawBufferPointer) -> Void) {
        assembler.feed(chunk) { line in unwrapped(line, &wrapper, &parser, body) }
    }

    /// One physical line through the envelope: a whole line is parsed, with the runtime's time when
    /// the line states none; a stderr line the format cannot read is the server's own diagnostics
    /// (`ignored`); a part of a split line waits for the rest; a line that is not the envelope, or
    /// a joined line over the cap, is unparsed.
    @inline(__always)
    static func unwrapped<P: LineParser>(_ line: UnsafeRawBufferPointer, _ wrapper: inout ContainerUnwrapper,
                                         _ parser: inout P, _ body: (ParseResult, UnsafeRawBufferPointer) -> Void) {
        let outcome = wrapper.unwrap(line) { inner, stream, time in
            parser.parse(inner) { result in
                if result == .unparsed, stream == .stderr { return body(.ignored, inner) }
                body(result.timed(ifNone: time.count > 0 ? TimeText.rfc3339(time) : nil), inner)
            }
        }
        if outcome == .unreadable { body(.unparsed, line) }
    }

    @inline(__always)
    private static func flush(_ assembler: inout LineAssembler, _ parser: inout any LineParser, _ body: (ParseResult) -> Void) {
        assembler.flush { line in parser.parse(line, into: body) }
        // Lines a parser held to see what follows them: nothing will.
        parser.finish(body)
    }
}
