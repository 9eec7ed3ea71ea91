/// A recurring stretch during which some rules' alerts are not sent (`maintenance:`): "every
/// Sunday 02:00-04:00 Berlin time", in the zone's wall-clock time, right across clock changes.
///
/// A window covers exactly the instants at which the wall clock of its zone reads a time inside
/// its span: on the night the clocks go forward the hour that does not exist is not covered
/// (Berlin `Sun 02:00-04:00` lasts one hour that night, 03:00-04:00 CEST), and on the night they
/// go back an hour read twice is covered both times (it lasts three hours). Pure: the time is
/// passed in, and the zone's rules come from the shell as TZif bytes (`TimeZoneRules`).
public struct MaintenanceWindow: Sendable, Equatable {
    public var name: String
    /// Rules it mutes; empty with `groups` set: every rule's alerts of those groups.
    public var rules: [String]
    /// Group values it mutes (`group_by`: a value, or one part of a combined value such as
    /// `web` in `web,shop.example`); empty: every group of its rules.
    public var groups: [String]
    /// `every:` as written, for status.
    public var every: String
    public var recurrence: Recurrence
    public var zone: TimeZoneRules

    public init(name: String, rules: [String], groups: [String], every: String, recurrence: Recurrence, zone: TimeZoneRules) {
        self.name = name
        self.rules = rules
        self.groups = groups
        self.every = every
        self.recurrence = recurrence
        self.zone = zone
    }

    /// Whether it mutes the alert of `rule` for `group` (when in force).
    public func covers(rule: String, group: String?) -> Bool {
        if !rules.isEmpty, !rules.contains(rule) { return false }
        if groups.isEmpty { return true }
        guard let group else { return false }
        if groups.contains(group) { return true }
        let parts = group.split(separator: ",").map(String.init)
        return parts.contains { groups.contains($0) }
    }

    /// The UTC ranges it is in force over, for windows starting on the local days around
    /// `from`...`to` (a few days' margin), merged and ascending.
    public func ranges(from: Int64, to: Int64) -> [Range<Int64>] {
        let first = PosixTZ.floorDiv(zone.local(from), 86400) - 2
        let last = PosixTZ.floorDiv(zone.local(to), 86400) + 1
        guard first <= last else { return [] }
        var out: [Range<Int64>] = []
        for day in first...last where recurrence.starts(onDay: day) {
            let span = recurrence.localSpan(onDay: day)
            for r in zone.utcRanges(localFrom: span.lowerBound, localTo: span.upperBound) {
                if let l = out.last, l.upperBound >= r.lowerBound {
                    out[out.count - 1] = l.lowerBound..<max(l.upperBound, r.upperBound)
                } else {
                    out.append(r)
                }
            }
        }
        return out
    }

    /// The stretch in force at `now`, if any.
    public func inForce(at now: Int64) -> Range<Int64>? {
        ranges(from: now - 86400, to: now + 86400).first { $0.contains(now) }
    }

    /// The next `count` stretches that start after `now` (within about 13 months).
    public func upcoming(after now: Int64, count: Int) -> [Range<Int64>] {
        var out: [Range<Int64>] = []
        var from = now
        // Two months at a time: days of the month recur at least that often.
        while out.count < count, from < now + 400 * 86400 {
            let to = from + 62 * 86400
            for r in ranges(from: from, to: to) where r.lowerBound > now && r.lowerBound < to && !out.contains(r) && (out.last.map { r.lowerBound > $0.lowerBound } ?? true) {
                out.append(r)
                if out.count == count { break }
            }
            from = to
        }
        return out
    }
}

/// The maintenance windows of a config, asked at the moment a notification would be sent.
public struct MaintenanceSchedule: Sendable, Equatable {
    public var windows: [MaintenanceWindow]

    public init(_ windows: [MaintenanceWindow] = []) { self.windows = windows }

    /// The window in force at `now` that mutes `rule`/`group`, with when that stretch ends.
    public func muting(rule: String, group: String?, at now: Int64) -> (window: MaintenanceWindow, until: Int64)? {
        for w in windows where w.covers(rule: rule, group: group) {
            if let r = w.inForce(at: now) { return (w, r.upperBound) }
        }
        return nil
    }
}
