/// Turns the bytes of one file into parsed lines: a line assembler and the file's parser.
///
/// One per open file, because some formats keep per-file state (W3C `#Fields:`). It hands each
/// line's result on, to a `LineSink` or a closure; what the time means, and where the line is
/// counted, is the receiver's business.
public struct FileDecoder: Sendable {
    public private(set) var assembler: LineAssembler
    private var parser: any LineParser

    public init(format: LogFormat, options: FormatOptions = FormatOptions(), maxLineBytes: Int = 64 * 1024) {
        assembler = LineAssembler(maxLineBytes: maxLineBytes)
        parser = format.makeParser(options)
    }

    /// Decodes the complete lines in `chunk` into `sink`; returns how many lines it handed on.
    @discardableResult
    public mutating func decode<S: LineSink>(_ chunk: UnsafeRawBufferPointer, input: Int, arrival: Int64, into sink: inout S) -> Int {
        var lines = 0
        Self.feed(chunk, &assembler, &parser) { result in
            lines += 1
            sink.accept(result, input: input, arrival: arrival)
        }
        return lines
    }

    /// Hands on a held last line that will never get its newline.
    public mutating func flush<S: LineSink>(input: Int, arrival: Int64, into sink: inout S) {
        Self.flush(&assembler, &parser) { sink.accept($0, input: input, arrival: arrival) }
    }

    /// Parses the complete lines in `chunk` and hands each result to `body` (replay drives time
    /// from the lines themselves).
    public mutating func parse(_ chunk: UnsafeRawBufferPointer, _ body: (ParseResult) -> Void) {
        Self.feed(chunk, &assembler, &parser, body)
    }

    /// Parses a held last line, at the end of a file.
    public mutating func flush(_ body: (ParseResult) -> Void) {
        Self.flush(&assembler, &parser, body)
    }

    public mutating func reset() { assembler.reset() }

    public var pendingBytes: Int { assembler.pendingBytes }

    /// What `format: auto` chose for this file, once it has.
    public var detectedFormat: LogFormat? { parser.detectedFormat }

    // The assembler and the parser are two stored properties, passed in place: a parser that
    // holds arrays (JSON, W3C, a prefix) is mutated where it is, never copied out and back.

    @inline(__always)
    private static func feed(_ chunk: UnsafeRawBufferPointer, _ assembler: inout LineAssembler,
                             _ parser: inout any LineParser, _ body: (ParseResult) -> Void) {
        assembler.feed(chunk) { line in body(parser.parse(line)) }
    }

    @inline(__always)
    private static func flush(_ assembler: inout LineAssembler, _ parser: inout any LineParser, _ body: (ParseResult) -> Void) {
        assembler.flush { line in body(parser.parse(line)) }
    }
}
