/// One alert's state machine (a rule, or one group or track of it). Pure: the caller passes the
/// condition's reading and the time, and gets back the transition to act on, if any.
///
/// - ok → pending when the condition breaches (straight to firing when `for` is 0);
/// - pending → firing once that has held for `for`; pending → ok as soon as it does not;
/// - firing → ok (resolved) once the condition has stayed calm for `resolve_for` and has not
///   breached for `keep_firing_for`;
/// - while firing, a reminder every `repeat`;
/// - more than `flap_limit` firings and resolutions within an hour: the alert is held firing as
///   flapping (one notification says so), and resolved once when its condition has settled
///   (unchanged for `AlertPolicy.flapSettle`).
///
/// Each firing starts an episode; the episode's notifications are numbered from 1 (the firing),
/// so a retried delivery can be told from a new alert.
public struct AlertState: Sendable, Equatable, Codable {
    public private(set) var phase: AlertPhase = .ok
    /// When the current phase began (Unix seconds); nil before the first evaluation.
    public private(set) var since: Int64?
    /// When a firing rule first went calm.
    public private(set) var calmSince: Int64?
    /// When the current episode began firing; kept for the resolved notice.
    public private(set) var firedAt: Int64?
    /// The peak rate of the current episode.
    public private(set) var peakRate: Double = 0
    /// Notifications sent in the current episode: the firing is 1, the resolved notice the last.
    public private(set) var sequence: Int = 0
    /// The last second the condition breached.
    public private(set) var lastBreachAt: Int64?
    /// The last notification of the episode (firing or reminder), for `repeat`.
    public private(set) var lastNotifiedAt: Int64?
    /// Held firing as flapping.
    public private(set) var flapping = false
    /// Firings and resolutions (would-be ones while flapping) within the last hour.
    public private(set) var changes: [Int64] = []
    /// The rule whose firing alert kept this episode from being sent (`inhibits`); its reminders
    /// and resolution are not sent either.
    public internal(set) var inhibitedBy: String?
    /// While flapping: what the condition says (firing or ok) and since when.
    private var underlying: AlertPhase = .ok
    private var underlyingSince: Int64 = 0

    public init() {}

    /// One step with only `for` and `resolve_for` (no keep_firing_for, reminders or flap damping).
    public mutating func evaluate(_ reading: RuleReading, forSeconds: Int64, resolveFor: Int64, now: Int64) -> AlertTransitionKind? {
        step(reading, AlertPolicy(forSeconds: forSeconds, resolveFor: resolveFor, flapLimit: 0), now: now)?.kind
    }

    /// Evaluates `rule`'s condition on one window sum (rules with a single window).
    public mutating func evaluate(_ rule: Rule, _ sum: WindowSum, now: Int64) -> AlertTransitionKind? {
        step(rule.condition.evaluate([sum]), rule.policy, now: now)?.kind
    }

    public mutating func step(_ reading: RuleReading, _ policy: AlertPolicy, now: Int64) -> AlertStep? {
        if since == nil { since = now }
        if reading.breaching { lastBreachAt = now }
        if flapping { return stepFlapping(reading, policy, now: now) }
        let value = reading.value
        switch phase {
        case .ok:
            guard reading.breaching else { return nil }
            peakRate = value
            if policy.forSeconds <= 0 { return fire(now, policy) }
            phase = .pending
            since = now
            return AlertStep(.pending)
        case .pending:
            peakRate = max(peakRate, value)
            guard reading.breaching else {
                phase = .ok
                since = now
                return AlertStep(.cleared)
            }
            if now - (since ?? now) >= policy.forSeconds { return fire(now, policy) }
            return nil
        case .firing:
            peakRate = max(peakRate, value)
            if reading.calm {
                if calmSince == nil { calmSince = now }
                if now - (calmSince ?? now) >= policy.resolveFor, now - (lastBreachAt ?? .min / 2) >= policy.keepFiringFor {
                    if noteChange(now, policy) {
                        // Resolving now would be one change too many: hold it as flapping.
                        startFlapping(underlying: .ok, now)
                        return notify(now, .flapping)
                    }
                    return resolve(now)
                }
            } else {
                calmSince = nil
            }
            return reminder(now, policy)
        }
    }

    private mutating func stepFlapping(_ reading: RuleReading, _ policy: AlertPolicy, now: Int64) -> AlertStep? {
        peakRate = max(peakRate, reading.value)
        let next: AlertPhase = reading.breaching ? .firing : (reading.calm ? .ok : underlying)
        if next != underlying {
            _ = noteChange(now, policy)
            underlying = next
            underlyingSince = now
        }
        guard now - underlyingSince >= AlertPolicy.flapSettle else { return reminder(now, policy) }
        flapping = false
        changes.removeAll()
        if underlying == .ok { return resolve(now) }
        calmSince = nil
        return nil
    }

    /// Records a firing or resolution; `true` when it makes more than `flap_limit` in the last hour.
    private mutating func noteChange(_ now: Int64, _ policy: AlertPolicy) -> Bool {
        guard policy.flapLimit > 0 else { return false }
        changes.removeAll { now - $0 >= AlertPolicy.flapWindow }
        changes.append(now)
        return changes.count > policy.flapLimit
    }

    private mutating func startFlapping(underlying u: AlertPhase, _ now: Int64) {
        flapping = true
        underlying = u
        underlyingSince = now
    }

    private mutating func reminder(_ now: Int64, _ policy: AlertPolicy) -> AlertStep? {
        guard policy.repeatSeconds > 0, phase == .firing, now - (lastNotifiedAt ?? now) >= policy.repeatSeconds else { return nil }
        return notify(now, .repeat)
    }

    /// Another firing notification in the same episode.
    private mutating func notify(_ now: Int64, _ notice: AlertNotice) -> AlertStep {
        sequence += 1
        lastNotifiedAt = now
        return AlertStep(.firing, notice: notice)
    }

    private mutating func fire(_ now: Int64, _ policy: AlertPolicy) -> AlertStep {
        let flaps = noteChange(now, policy)
        phase = .firing
        since = now
        firedAt = now
        calmSince = nil
        sequence = 1
        lastNotifiedAt = now
        inhibitedBy = nil
        if flaps {
            startFlapping(underlying: .firing, now)
            return AlertStep(.firing, notice: .flapping)
        }
        return AlertStep(.firing)
    }

    private mutating func resolve(_ now: Int64) -> AlertStep {
        phase = .ok
        since = now
        calmSince = nil
        sequence += 1
        lastNotifiedAt = nil
        return AlertStep(.resolved)
    }

    enum CodingKeys: String, CodingKey {
        case phase, since, calmSince, firedAt, peakRate, sequence, lastBreachAt, lastNotifiedAt, flapping, changes
        case underlying, underlyingSince, inhibitedBy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        phase = try c.decode(AlertPhase.self, forKey: .phase)
        since = try c.decodeIfPresent(Int64.self, forKey: .since)
        calmSince = try c.decodeIfPresent(Int64.self, forKey: .calmSince)
        firedAt = try c.decodeIfPresent(Int64.self, forKey: .firedAt)
        peakRate = try c.decodeIfPresent(Double.self, forKey: .peakRate) ?? 0
        // State files from before episodes were numbered: a firing episode has sent its firing.
        sequence = try c.decodeIfPresent(Int.self, forKey: .sequence) ?? (phase == .firing ? 1 : 0)
        // Fields added with the lifecycle (keep_firing_for, repeat, flapping): absent in older files.
        lastBreachAt = try c.decodeIfPresent(Int64.self, forKey: .lastBreachAt)
        lastNotifiedAt = try c.decodeIfPresent(Int64.self, forKey: .lastNotifiedAt) ?? (phase == .firing ? firedAt : nil)
        flapping = try c.decodeIfPresent(Bool.self, forKey: .flapping) ?? false
        changes = try c.decodeIfPresent([Int64].self, forKey: .changes) ?? []
        underlying = try c.decodeIfPresent(AlertPhase.self, forKey: .underlying) ?? .ok
        underlyingSince = try c.decodeIfPresent(Int64.self, forKey: .underlyingSince) ?? 0
        inhibitedBy = try c.decodeIfPresent(String.self, forKey: .inhibitedBy)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encodeIfPresent(since, forKey: .since)
        try c.encodeIfPresent(calmSince, forKey: .calmSince)
        try c.encodeIfPresent(firedAt, forKey: .firedAt)
        try c.encode(peakRate, forKey: .peakRate)
        try c.encode(sequence, forKey: .sequence)
        try c.encodeIfPresent(lastBreachAt, forKey: .lastBreachAt)
        try c.encodeIfPresent(lastNotifiedAt, forKey: .lastNotifiedAt)
        if flapping {
            try c.encode(flapping, forKey: .flapping)
            try c.encode(underlying, forKey: .underlying)
            try c.encode(underlyingSince, forKey: .underlyingSince)
        }
        if !changes.isEmpty { try c.encode(changes, forKey: .changes) }
        try c.encodeIfPresent(inhibitedBy, forKey: .inhibitedBy)
    }
}

extension AlertState {
    /// The same state on a clock moved by `seconds` (the wall clock stepped): every time it holds
    /// moves with it, so `for`, `resolve_for`, reminders and flap damping keep their durations.
    mutating func shift(by seconds: Int64) {
        since = since.map { $0 + seconds }
        calmSince = calmSince.map { $0 + seconds }
        firedAt = firedAt.map { $0 + seconds }
        lastBreachAt = lastBreachAt.map { $0 + seconds }
        lastNotifiedAt = lastNotifiedAt.map { $0 + seconds }
        changes = changes.map { $0 + seconds }
        if underlyingSince != 0 { underlyingSince += seconds }
    }
}
