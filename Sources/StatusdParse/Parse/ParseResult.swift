/// What a parser found in one line.
public enum ParseResult: Equatable, Sendable {
    /// An access line: its status and, when the line states one, its time (Unix seconds).
    case entry(status: StatusCode, time: Int64?)
    /// A line the format says carries no request: a header, a comment, a blank line.
    case ignored
    /// A line this format cannot read. Counted as such, never as a status.
    case unparsed
}

extension ParseResult {
    /// An entry that states no time takes `time` (a container runtime's, a journal entry's), when
    /// there is one (`nil`: none known).
    @inline(__always)
    public func timed(ifNone time: @autoclosure () -> Int64?) -> ParseResult {
        guard case .entry(let status, nil) = self, let t = time() else { return self }
        return .entry(status: status, time: t)
    }
}
