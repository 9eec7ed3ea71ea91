/// Where a rule stands: `ok`, `pending` (breaching, waiting out `for`), or `firing`.
public enum AlertPhase: String, Sendable, Codable {
    case ok, pending, firing
}

/// A change of phase, as the timeline of `replay` and the sinks see it.
public enum AlertTransitionKind: String, Sendable, Codable {
    /// ok → pending
    case pending
    /// pending → ok before `for` ran out
    case cleared
    /// → firing: page
    case firing
    /// firing → ok: the resolved notice
    case resolved
}

/// One rule's alert state machine. Pure: the caller passes the window's sum and the time.
///
/// - ok → pending when the rate is above the limit with at least `min_requests` in the window
///   (straight to firing when `for` is 0);
/// - pending → firing once that has held for `for`; pending → ok as soon as it does not;
/// - firing → ok (resolved) once the rate has stayed at or below `resolve_below` for `resolve_for`.
///   A firing rule whose window holds fewer than `min_requests` stays firing while the few
///   requests it has are still above the resolve limit; an empty window resolves.
public struct AlertState: Sendable, Equatable, Codable {
    public private(set) var phase: AlertPhase = .ok
    /// When the current phase began (Unix seconds); nil before the first evaluation.
    public private(set) var since: Int64?
    /// When a firing rule first went at or below its resolve limit.
    public private(set) var calmSince: Int64?
    /// When the current episode began firing; kept for the resolved notice.
    public private(set) var firedAt: Int64?
    /// The peak rate of the current episode.
    public private(set) var peakRate: Double = 0

    public init() {}

    public mutating func evaluate(_ rule: Rule, _ sum: WindowSum, now: Int64) -> AlertTransitionKind? {
        if since == nil { since = now }
        let rate = sum.rate
        let breaching = sum.total >= rule.minRequests && rate > rule.rateAbove
        switch phase {
        case .ok:
            guard breaching else { return nil }
            peakRate = rate
            if rule.forSeconds <= 0 { return fire(now) }
            phase = .pending
            since = now
            return .pending
        case .pending:
            peakRate = max(peakRate, rate)
            guard breaching else {
                phase = .ok
                since = now
                return .cleared
            }
            if now - (since ?? now) >= rule.forSeconds { return fire(now) }
            return nil
        case .firing:
            peakRate = max(peakRate, rate)
            if rate > rule.resolveBelow {
                calmSince = nil
                return nil
            }
            if calmSince == nil { calmSince = now }
            guard now - (calmSince ?? now) >= rule.resolveFor else { return nil }
            phase = .ok
            since = now
            calmSince = nil
            return .resolved
        }
    }

    private mutating func fire(_ now: Int64) -> AlertTransitionKind {
        phase = .firing
        since = now
        firedAt = now
        calmSince = nil
        return .firing
    }
}
