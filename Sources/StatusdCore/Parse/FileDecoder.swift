/// Turns the bytes of one file into counted lines: a line assembler and the file's parser.
///
/// One per open file, because some formats keep per-file state (W3C `#Fields:`); the counts go
/// into the tally of the file's input.
public struct FileDecoder: Sendable {
    public private(set) var assembler: LineAssembler
    private var parser: any LineParser
    public let timeSource: TimeSource
    public let maxSkew: Int64

    public init(format: LogFormat, options: FormatOptions = FormatOptions(), timeSource: TimeSource = .event,
                maxSkew: Int64 = 300, maxLineBytes: Int = 64 * 1024) {
        assembler = LineAssembler(maxLineBytes: maxLineBytes)
        parser = format.makeParser(options)
        self.timeSource = timeSource
        self.maxSkew = maxSkew
    }

    /// Counts the complete lines in `chunk`; returns how many lines it counted.
    @discardableResult
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, arrival: Int64, into tally: inout InputTally) -> Int {
        var lines = 0
        var parser = self.parser
        let timeSource = self.timeSource, maxSkew = self.maxSkew
        assembler.feed(chunk) { line in
            lines += 1
            tally.record(parser.parse(line), arrival: arrival, timeSource: timeSource, maxSkew: maxSkew)
        }
        self.parser = parser
        return lines
    }

    /// Parses the complete lines in `chunk` and hands each result to `body` (replay drives time
    /// from the lines themselves).
    public mutating func parse(_ chunk: UnsafeRawBufferPointer, _ body: (ParseResult) -> Void) {
        var parser = self.parser
        assembler.feed(chunk) { line in body(parser.parse(line)) }
        self.parser = parser
    }

    /// Parses a held last line, at the end of a file.
    public mutating func flush(_ body: (ParseResult) -> Void) {
        var parser = self.parser
        assembler.flush { line in body(parser.parse(line)) }
        self.parser = parser
    }

    /// Counts a held last line that will never get its newline.
    public mutating func flush(arrival: Int64, into tally: inout InputTally) {
        var parser = self.parser
        let timeSource = self.timeSource, maxSkew = self.maxSkew
        assembler.flush { line in
            tally.record(parser.parse(line), arrival: arrival, timeSource: timeSource, maxSkew: maxSkew)
        }
        self.parser = parser
    }

    public mutating func reset() { assembler.reset() }

    public var pendingBytes: Int { assembler.pendingBytes }

    /// What `format: auto` chose for this file, once it has.
    public var detectedFormat: LogFormat? { parser.detectedFormat }
}
