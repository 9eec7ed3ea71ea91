/// An operator's "I know; stop telling me" for one rule (or one group of it) until a given time.
///
/// Silences are people's decisions, made in wall-clock time while on call: they are matched by
/// rule name and group value at the moment a notification would be sent, and end on their own at
/// `until` so a forgotten silence cannot hide the next incident. A silence with no group covers
/// every group and track of its rule.
public struct Silence: Codable, Sendable, Equatable {
    /// Short and typeable (`statusd silence remove 3f9a1c0e`).
    public var id: String
    public var rule: String
    /// The group value it covers (`group_by`); nil for all of them.
    public var group: String?
    /// Unix second it stops applying.
    public var until: Int64
    public var reason: String
    public var createdAt: Int64
    /// Unix second it starts applying (`silence add --start`); nil: from its creation.
    public var start: Int64?

    public init(id: String, rule: String, group: String? = nil, until: Int64, reason: String, createdAt: Int64) {
        self.id = id
        self.rule = rule
        self.group = group
        self.until = until
        self.reason = reason
        self.createdAt = createdAt
    }

    /// In force at `now`: from `start` (inclusive) to `until` (exclusive).
    public func isActive(at now: Int64) -> Bool { now < until && (start ?? .min) <= now }

    /// Not ended at `now`: in force, or scheduled to start later.
    public func isPending(at now: Int64) -> Bool { now < until }

    /// Whether it silences the alert of `rule` for `group` at `now`.
    public func covers(rule: String, group: String?, at now: Int64) -> Bool {
        guard isActive(at: now), rule == self.rule else { return false }
        return self.group == nil || self.group == group
    }

    /// `server-errors`, `server-errors[shop]`: what it covers, as status and the CLI show it.
    public var target: String { AlertKey.name(rule: rule, group: group, track: nil) }

    /// A fresh id: 8 hex digits.
    public static func makeID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let v = UInt32.random(in: 0...UInt32.max, using: &generator)
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    enum CodingKeys: String, CodingKey {
        case id, rule, group, until, reason, start
        case createdAt = "created_at"
    }
}
