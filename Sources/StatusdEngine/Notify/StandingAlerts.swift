/// The alerts an Alertmanager must keep hearing about, per sink: Alertmanager resolves a firing
/// alert by itself once its `endsAt` passes, so statusd re-sends each firing alert until it
/// resolves, and each resolved one for a while after (a cluster member that missed it learns).
///
/// Kept in the outbox, so it is saved in the same atomic checkpoint as the alert states: after a
/// `kill -9` the restarted daemon goes on re-sending what still fires. A sink's entry is the last
/// notification of each alert that the sink acknowledged; `due` drops what no longer stands.
public struct StandingAlerts: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The latest notification of the alert the sink has: firing (or a reminder) or resolved.
        public var transition: AlertTransition
        /// When the sink acknowledged it (Unix seconds).
        public var since: Int64
    }

    /// Per sink, per alert (`AlertKey.name`: rule, group, track).
    public private(set) var bySink: [String: [String: Entry]] = [:]

    public init() {}

    /// `sink` acknowledged these notifications (in order): each becomes its alert's latest.
    public mutating func record(_ ts: [AlertTransition], sink: String, now: Int64) {
        for t in ts where t.kind == .firing || t.kind == .resolved {
            bySink[sink, default: [:]][AlertKey.name(rule: t.rule, group: t.group, track: t.track)] = Entry(transition: t, since: now)
        }
    }

    /// What to re-send to `sink` now, by alert name: each firing alert whose episode still fires
    /// (its `alertID` in `firing`, from the alert states) and each resolved one acknowledged at most
    /// `resolvedFor` seconds ago. The rest is dropped: a resolved alert kept long enough, or a
    /// firing one whose rule was removed or whose resolution was not sent (silenced), which
    /// Alertmanager then resolves at its `endsAt`.
    public mutating func due(for sink: String, now: Int64, resolvedFor: Int64, firing: Set<String>) -> [AlertTransition] {
        guard var alerts = bySink[sink] else { return [] }
        alerts = alerts.filter { _, e in
            if e.transition.kind == .resolved { return now - e.since <= resolvedFor }
            return e.transition.alertID.map { firing.contains($0) } ?? false
        }
        bySink[sink] = alerts.isEmpty ? nil : alerts
        return alerts.keys.sorted().compactMap { alerts[$0]?.transition }
    }

    /// Alerts standing for `sink`.
    public func count(for sink: String) -> Int { bySink[sink]?.count ?? 0 }

    /// Keeps only the sinks that still exist (a reload removed some).
    public mutating func retain(sinks: Set<String>) {
        bySink = bySink.filter { sinks.contains($0.key) }
    }

    enum CodingKeys: String, CodingKey {
        case bySink = "by_sink"
    }
}
