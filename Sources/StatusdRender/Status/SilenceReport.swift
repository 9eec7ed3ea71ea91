import StatusdParse
import StatusdEngine
/// A silence in force as `statusd status` and `statusd silence list` show it: times as ISO 8601,
/// like every other time in the status document.
public struct SilenceReport: Codable, Sendable, Equatable {
    public var id: String
    public var rule: String
    public var group: String?
    public var until: String
    public var reason: String
    public var createdAt: String
    /// When a scheduled silence starts (`--start`); nil: in force since `created_at`.
    public var start: String?

    public init(_ s: Silence) {
        start = s.start.map(CivilTime.iso8601)
        id = s.id
        rule = s.rule
        group = s.group
        until = CivilTime.iso8601(s.until)
        reason = s.reason
        createdAt = CivilTime.iso8601(s.createdAt)
    }

    /// `3f9a1c0e  server-errors[shop] until 2026-11-20T12:05:10Z: deploy of the new checkout (since ...)`
    public var line: String {
        // Reason and group are whatever someone typed: never raw on a terminal.
        SafeText.field("\(id)  \(AlertKey.name(rule: rule, group: group, track: nil)) \(start.map { "from \($0) " } ?? "")until \(until): \(reason) (since \(createdAt))")
    }

    enum CodingKeys: String, CodingKey {
        case id, rule, group, until, reason, start
        case createdAt = "created_at"
    }
}
