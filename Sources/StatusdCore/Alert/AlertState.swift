/// One rule's alert state machine. Pure: the caller passes the condition's reading and the time,
/// and gets back the transition to act on, if any.
///
/// - ok → pending when the condition breaches (straight to firing when `for` is 0);
/// - pending → firing once that has held for `for`; pending → ok as soon as it does not;
/// - firing → ok (resolved) once the condition has stayed calm for `resolve_for`.
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
    /// Notifications sent in the current episode: the firing is 1, the resolved notice the next.
    public private(set) var sequence: Int = 0

    public init() {}

    public mutating func evaluate(_ reading: RuleReading, forSeconds: Int64, resolveFor: Int64, now: Int64) -> AlertTransitionKind? {
        if since == nil { since = now }
        let value = reading.value
        switch phase {
        case .ok:
            guard reading.breaching else { return nil }
            peakRate = value
            if forSeconds <= 0 { return fire(now) }
            phase = .pending
            since = now
            return .pending
        case .pending:
            peakRate = max(peakRate, value)
            guard reading.breaching else {
                phase = .ok
                since = now
                return .cleared
            }
            if now - (since ?? now) >= forSeconds { return fire(now) }
            return nil
        case .firing:
            peakRate = max(peakRate, value)
            guard reading.calm else {
                calmSince = nil
                return nil
            }
            if calmSince == nil { calmSince = now }
            guard now - (calmSince ?? now) >= resolveFor else { return nil }
            phase = .ok
            since = now
            calmSince = nil
            sequence += 1
            return .resolved
        }
    }

    /// Evaluates `rule`'s condition on one window sum (rules with a single window).
    public mutating func evaluate(_ rule: Rule, _ sum: WindowSum, now: Int64) -> AlertTransitionKind? {
        evaluate(rule.condition.evaluate([sum]), forSeconds: rule.forSeconds, resolveFor: rule.resolveFor, now: now)
    }

    private mutating func fire(_ now: Int64) -> AlertTransitionKind {
        phase = .firing
        since = now
        firedAt = now
        calmSince = nil
        sequence = 1
        return .firing
    }

    enum CodingKeys: String, CodingKey {
        case phase, since, calmSince, firedAt, peakRate, sequence
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
    }
}
