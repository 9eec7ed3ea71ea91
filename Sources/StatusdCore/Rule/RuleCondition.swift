/// When a rule breaches and when it is calm again. Each kind reads one or more sliding window
/// sums of the rule's inputs, which the monitor keeps up to date incrementally.
public enum RuleCondition: Sendable, Equatable {
    /// The share of matching requests over a window above a limit.
    case rate(RateCondition)

    /// The window lengths (seconds) whose sums `evaluate` reads, in that order.
    public var windows: [Int64] {
        switch self {
        case .rate(let r): return [r.window]
        }
    }

    /// Reads the sums (one per entry of `windows`).
    public func evaluate(_ sums: [WindowSum]) -> RuleReading {
        switch self {
        case .rate(let r): return r.evaluate(sums[0])
        }
    }

    /// `true` when an empty window can neither start nor end anything, so evaluation may skip a
    /// quiet stretch (conditions that watch for silence must not be skipped).
    public var quietIsInert: Bool {
        switch self {
        case .rate: return true
        }
    }

    /// The kind's name in status and replay output.
    public var kind: String {
        switch self {
        case .rate: return "rate"
        }
    }
}

/// What a condition made of the sums at one second: whether it breaches, whether it is calm
/// enough to resolve, and the figures a message shows.
public struct RuleReading: Sendable, Equatable {
    public var breaching: Bool
    /// At or below the resolve limit: a firing rule resolves once this has held for `resolve_for`.
    public var calm: Bool
    /// The figure compared with the limit (a rate, as a fraction).
    public var value: Double
    /// The sum the figure came from (the first window's).
    public var sum: WindowSum

    public init(breaching: Bool, calm: Bool, value: Double, sum: WindowSum) {
        self.breaching = breaching
        self.calm = calm
        self.value = value
        self.sum = sum
    }
}
