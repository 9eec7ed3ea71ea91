import StatusdParse
/// statusd's own health as a state machine: the shell reports what it observes each second
/// (conditions such as a sink retrying) and records one-off events (a state file found corrupt);
/// the board keeps since when each holds, and answers which self-alerts to send: a degradation
/// that lasted `alert_after` fires once, through the sinks that work, and resolves once when it
/// ends, to the same sinks.
///
/// Pure and `Codable` (the alerted degradations and the events ride in the checkpoint), so a
/// restart neither pages again for a degradation already paged nor forgets to resolve it.
public struct HealthBoard: Codable, Sendable, Equatable {
    /// A degradation whose firing was sent.
    public struct Alerted: Codable, Sendable, Equatable {
        public var degradation: Degradation
        public var firedAt: Int64
        public var sinks: [String]

        enum CodingKeys: String, CodingKey {
            case degradation, sinks
            case firedAt = "fired_at"
        }
    }

    /// A one-off event and when it last happened (it is listed until `last + events_for`).
    public struct Event: Codable, Sendable, Equatable {
        public var degradation: Degradation
        public var last: Int64
    }

    /// Conditions seen at the last update, by key.
    public private(set) var current: [String: Degradation] = [:]
    /// One-off events still listed, by key.
    public private(set) var events: [String: Event] = [:]
    /// Degradations paged, by key.
    public private(set) var alerted: [String: Alerted] = [:]

    public init() {}

    /// A one-off event happened at `degradation.since`: listed for `events_for` after its last
    /// occurrence; the first occurrence's time stays its `since`.
    public mutating func record(_ degradation: Degradation) {
        if var e = events[degradation.key] {
            e.degradation.detail = degradation.detail
            e.last = max(e.last, degradation.since)
            events[degradation.key] = e
        } else {
            events[degradation.key] = Event(degradation: degradation, last: degradation.since)
        }
    }

    /// Takes what holds now (`observed`: each condition once, `since` when the shell knows better
    /// than "now") and returns the self-alerts to send. `working` are the sinks that deliver now
    /// (a firing goes to them; none working: it waits for one).
    public mutating func update(observed: [Degradation], now: Int64, config: HealthConfig, working: [String]) -> [HealthAction] {
        var next: [String: Degradation] = [:]
        for var d in observed {
            if let old = current[d.key] { d.since = min(old.since, d.since) }
            next[d.key] = d
        }
        current = next
        events = events.filter { now - $0.value.last < config.eventsForSeconds }
        let all = degradationsByKey
        var actions: [HealthAction] = []
        for key in alerted.keys.sorted() where all[key] == nil {
            let a = alerted.removeValue(forKey: key)!
            actions.append(.resolve(a.degradation, firedAt: a.firedAt, at: now, sinks: a.sinks))
        }
        for d in degradations where alerted[d.key] == nil && now - d.since >= config.alertAfterSeconds {
            // A sink's own trouble is not reported through it.
            let sinks = working.filter { $0 != d.subject || !d.kind.rawValue.hasPrefix("sink_") }
            guard !sinks.isEmpty else { continue }
            alerted[d.key] = Alerted(degradation: d, firedAt: now, sinks: sinks)
            actions.append(.fire(d, at: now, sinks: sinks))
        }
        return actions
    }

    private var degradationsByKey: [String: Degradation] {
        var all = current
        for (key, e) in events where all[key] == nil { all[key] = e.degradation }
        return all
    }

    /// Every degradation now: conditions and listed events, by kind then subject.
    public var degradations: [Degradation] {
        degradationsByKey.values.sorted { a, b in
            a.kind != b.kind ? a.kind < b.kind : (a.subject ?? "") < (b.subject ?? "")
        }
    }

    /// Keeps what a checkpoint carries (events and paged degradations); conditions are observed anew.
    public mutating func restore(_ saved: HealthBoard) {
        events = saved.events
        alerted = saved.alerted
    }

    enum CodingKeys: String, CodingKey { case events, alerted }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        events = try c.decodeIfPresent([String: Event].self, forKey: .events) ?? [:]
        alerted = try c.decodeIfPresent([String: Alerted].self, forKey: .alerted) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(events, forKey: .events)
        try c.encode(alerted, forKey: .alerted)
    }
}

/// A self-alert the board asks the shell to send.
public enum HealthAction: Sendable, Equatable {
    /// `d` lasted `alert_after`: page at `at`.
    case fire(Degradation, at: Int64, sinks: [String])
    /// `d`, paged at `firedAt`, ended at `at`.
    case resolve(Degradation, firedAt: Int64, at: Int64, sinks: [String])

    /// The notification, as every sink takes one.
    public var transition: AlertTransition {
        switch self {
        case .fire(let d, let at, _): return AlertTransition.health(d, kind: .firing, at: at)
        case .resolve(let d, _, let at, _): return AlertTransition.health(d, kind: .resolved, at: at)
        }
    }

    public var sinks: [String] {
        switch self {
        case .fire(_, _, let s), .resolve(_, _, _, let s): return s
        }
    }
}

extension AlertTransition {
    /// The rule name statusd's own alerts carry; the degradation's key is their group.
    public static let healthRule = "statusd-health"

    /// A self-alert: rule `statusd-health`, group the degradation's key, warning, condition `health`.
    /// The episode is the degradation's `since`, so a firing and its resolved notice share it.
    public static func health(_ d: Degradation, kind: AlertTransitionKind, at: Int64) -> AlertTransition {
        var t = AlertTransition(rule: Rule(name: healthRule, match: StatusSet(), rateAbove: 0), kind: kind, sum: WindowSum(),
                                inputs: [], at: at, firedAt: d.since, peakRate: 0)
        t.group = d.key
        t.condition = "health"
        t.match = d.kind.rawValue
        t.detail = kind == .firing ? "statusd is degraded: \(d.summary)" : "statusd: \(String(d.kind.rawValue.map { $0 == "_" ? " " : $0 })) ended"
        t.limit = 0
        t.resolveBelow = 0
        t.windowSeconds = 0
        t.alertID = AlertTransition.alertID(rule: healthRule, group: d.key, firedAt: d.since)
        t.sequence = kind == .firing ? 1 : 2
        t.sinks = nil
        return t
    }
}
