/// Turns the bytes of one file into counted lines: a line assembler and the file's parser.
///
/// One per open file, because some formats keep per-file state (W3C `#Fields:`); the counts go
/// into the tally of the file's input.
public struct FileDecoder: Sendable {
    public private(set) var assembler: LineAssembler
    private var parser: any LineParser
    public let timeSource: TimeSource
    public let maxSkew: Int64

    public init(format: LogFormat, timeSource: TimeSource = .event, maxSkew: Int64 = 300, maxLineBytes: Int = 64 * 1024) {
        assembler = LineAssembler(maxLineBytes: maxLineBytes)
        parser = format.makeParser()
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
}
