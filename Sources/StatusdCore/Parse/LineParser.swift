/// Reads one log line, as bytes without its newline, into a status and an event time.
///
/// One type per format. Parsers work on raw bytes and must not allocate per line on the
/// steady path. `mutating` because some formats (W3C `#Fields:`) carry state from header lines.
public protocol LineParser: Sendable {
    mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult
}

extension LineParser {
    /// Convenience for tests and tools: parse a String.
    public mutating func parse(_ line: String) -> ParseResult {
        var copy = line
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The format an auto-detecting parser chose, if this is one.
    public var detectedFormat: LogFormat? { (self as? AutoParser)?.detected }
}
