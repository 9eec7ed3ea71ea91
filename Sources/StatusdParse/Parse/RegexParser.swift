/// Any other format, by a regular expression with named groups `status` and optionally `time`.
public struct RegexParser: LineParser, @unchecked Sendable {
    // Regex is not Sendable; a parser is used by one thread at a time (one per open file).
    private let regex: Regex<AnyRegexOutput>
    private let hasTime: Bool

    public init(pattern: String) throws {
        regex = try Regex(pattern)
        hasTime = pattern.contains("(?<time>")
    }

    /// Checks a pattern: `nil`, or why it cannot be used.
    public static func problem(with pattern: String) -> String? {
        do {
            _ = try Regex(pattern)
        } catch {
            return "the regex does not compile: \(error)"
        }
        return pattern.contains("(?<status>") ? nil : "the regex needs a named group `(?<status>...)`"
    }

    public func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        if line.isEmpty { return .ignored }
        let text = String(decoding: line, as: UTF8.self)
        guard let match = try? regex.firstMatch(in: text), let s = match.output["status"]?.substring else { return .unparsed }
        var copy = String(s)
        guard let status = copy.withUTF8({ Digits.status(UnsafeRawBufferPointer($0)) }) else { return .unparsed }
        var time: Int64?
        if hasTime, let t = match.output["time"]?.substring { time = TimeText.parse(String(t)) }
        return .entry(status: status, time: time)
    }
}
