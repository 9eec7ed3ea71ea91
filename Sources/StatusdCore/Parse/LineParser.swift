/// What a parser found in one line.
public enum ParseResult: Equatable, Sendable {
    /// An access line: its status and, when the line states one, its time (Unix seconds).
    case entry(status: StatusCode, time: Int64?)
    /// A line the format says carries no request: a header, a comment, a blank line.
    case ignored
    /// A line this format cannot read. Counted as such, never as a status.
    case unparsed
}

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
}

/// The formats statusd reads. Each names a parser.
public enum LogFormat: String, CaseIterable, Sendable, Codable {
    /// nginx/Apache combined, and its variants (vhost prefix, extra fields, syslog prefix).
    case combined
    /// Common log format: combined without referer and user agent. Same parser.
    case common

    public func makeParser() -> any LineParser {
        switch self {
        case .combined, .common: return CombinedParser()
        }
    }
}
