/// When a rule breaches and when it is calm again. Each kind reads one or more sliding window
/// sums of the rule's inputs, which the monitor keeps up to date incrementally.
public enum RuleCondition: Sendable, Equatable {
    /// The share of matching requests over a window above a limit.
    case rate(RateCondition)
    /// More than a number of matching requests in a window.
    case count(CountCondition)
    /// No line, or far fewer requests than the baseline.
    case noTraffic(NoTrafficCondition)
    /// The rate N times its own baseline level.
    case spike(SpikeCondition)
    /// Burn rates of an availability objective (page and ticket tracks).
    case slo(SLOCondition)

    /// The window lengths (seconds) whose sums `evaluate` reads, in that order.
    public var windows: [Int64] {
        switch self {
        case .rate(let r): return [r.window]
        case .count(let c): return [c.window]
        case .noTraffic(let n): return n.windows
        case .spike(let s): return s.windows
        case .slo(let s): return s.windows
        }
    }

    /// The alert tracks: one for most conditions; an SLO has page and ticket, each with its own
    /// state and severity. `nil` names the single track.
    public var tracks: [String?] {
        if case .slo = self { return SLOCondition.trackNames }
        return [nil]
    }

    /// Reads the sums (one per entry of `windows`): one reading per track.
    public func evaluateTracks(_ sums: [WindowSum], _ context: RuleContext = .plain) -> [RuleReading] {
        if case .slo(let s) = self { return s.evaluateTracks(sums, context) }
        return [evaluate(sums, context)]
    }

    /// The first track's reading.
    public func evaluate(_ sums: [WindowSum], _ context: RuleContext = .plain) -> RuleReading {
        switch self {
        case .rate(let r): return r.evaluate(sums[0])
        case .count(let c): return c.evaluate(sums[0])
        case .noTraffic(let n): return n.evaluate(sums, context)
        case .spike(let s): return s.evaluate(sums, context)
        case .slo(let s): return s.evaluateTracks(sums, context)[0]
        }
    }

    /// The seasonal baseline the condition compares with, if any (`spike`, `no_traffic ... below`).
    public var seasonal: SeasonalBaseline? {
        switch self {
        case .spike(let s): return s.seasonal
        case .noTraffic(let n): return n.below == nil ? nil : n.seasonal
        default: return nil
        }
    }

    /// `true` when an empty window can neither start nor end anything, so evaluation may skip a
    /// quiet stretch (conditions that watch for silence must not be skipped).
    public var quietIsInert: Bool {
        switch self {
        case .noTraffic: return false
        default: return true
        }
    }

    /// The kind's name in status and replay output.
    public var kind: String {
        switch self {
        case .rate: return "rate"
        case .count: return "count"
        case .noTraffic: return "no_traffic"
        case .spike: return "spike"
        case .slo: return "slo"
        }
    }
}
