/// Reads one log line, as bytes without its newline, into a status and an event time.
///
/// One type per format. Parsers work on raw bytes and must not allocate per line on the
/// steady path. `mutating` because some formats (W3C `#Fields:`) carry state from header lines.
public protocol LineParser: Sendable {
    mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult
    /// Parses one line into `body`: one result per line in all, but not always at once. A parser
    /// that must see the next lines to know what a line was (JSON: the first line of an object
    /// over several lines, or a line cut off after its `{`) holds it and hands its result on with
    /// a later line's, or at `finish`. Decoders call this; `parse(_:)` is the one-result view.
    mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void)
    /// Hands on the results of lines still held: the file ends here.
    mutating func finish(_ body: (ParseResult) -> Void)
}

extension LineParser {
    /// Most formats know each line's result at once.
    @inline(__always)
    public mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void) { body(parse(line)) }

    public mutating func finish(_ body: (ParseResult) -> Void) {}
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
