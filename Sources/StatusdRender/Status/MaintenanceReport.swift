import StatusdParse
import StatusdEngine
/// A maintenance window as `statusd status` shows it: what it mutes, whether it is in force, and
/// its next stretches (UTC, ISO 8601, like every time in the status document).
public struct MaintenanceReport: Codable, Sendable, Equatable {
    public struct Stretch: Codable, Sendable, Equatable {
        public var start: String
        public var end: String
    }

    public var name: String
    public var rules: [String]
    public var groups: [String]
    public var every: String
    public var timezone: String
    public var inForce: Bool
    /// The stretch in force now.
    public var current: Stretch?
    /// The next stretches to come.
    public var next: [Stretch]

    /// How many stretches to come are listed.
    public static let listed = 3

    public init(_ w: MaintenanceWindow, now: Int64) {
        name = w.name
        rules = w.rules
        groups = w.groups
        every = w.every
        timezone = w.zone.name
        let cur = w.inForce(at: now)
        inForce = cur != nil
        current = cur.map { Stretch(start: CivilTime.iso8601($0.lowerBound), end: CivilTime.iso8601($0.upperBound)) }
        next = w.upcoming(after: now, count: Self.listed).map { Stretch(start: CivilTime.iso8601($0.lowerBound), end: CivilTime.iso8601($0.upperBound)) }
    }

    /// `backups (server-errors; Sun 02:00-04:00 Europe/Berlin): IN FORCE until ...; next ...`
    public var line: String {
        let what = (rules.isEmpty ? [] : [rules.joined(separator: ", ")]) + (groups.isEmpty ? [] : ["groups " + groups.joined(separator: ", ")])
        var l = "\(name) (\(what.joined(separator: "; ")); \(every) \(timezone)): "
        if let c = current { l += "IN FORCE until \(c.end)" } else { l += "not in force" }
        if let n = next.first { l += "; next \(n.start) to \(n.end)" }
        return SafeText.field(l)
    }

    enum CodingKeys: String, CodingKey {
        case name, rules, groups, every, timezone, current, next
        case inForce = "in_force"
    }
}
