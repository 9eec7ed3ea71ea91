/// The share of matching requests over a window: breaching above `limit` with at least
/// `minRequests` requests (no page for 1 error in 2 requests), calm at or below `resolveBelow`
/// (hysteresis). A window with few requests is calm only when those few are not bad; an empty
/// window is calm.
///
/// With the small-sample guard (on by default), the rate must be above the limit with 95%
/// confidence: the lower bound of the Wilson interval has to exceed it, so 3 errors in 20 requests
/// at 3 a.m. (15%, but consistent with 5%) do not page while 300 in 2,000 do.
public struct RateCondition: Sendable, Equatable {
    /// Breaches above this share of all requests in the window (0.05 for 5%).
    public var limit: Double
    /// Calm at or below this share; equals `limit` unless configured.
    public var resolveBelow: Double
    /// Window length in seconds.
    public var window: Int64
    public var minRequests: UInt64
    /// `guard: wilson` (default): the 95% Wilson lower bound must exceed the limit; `guard: none`: the rate alone.
    public var wilsonGuard: Bool

    public init(limit: Double, resolveBelow: Double? = nil, window: Int64 = 300, minRequests: UInt64 = 20, wilsonGuard: Bool = true) {
        self.limit = limit
        self.resolveBelow = resolveBelow ?? limit
        self.window = window
        self.minRequests = minRequests
        self.wilsonGuard = wilsonGuard
    }

    public func evaluate(_ sum: WindowSum) -> RuleReading {
        let rate = sum.rate
        let breaching = sum.total >= minRequests && rate > limit
            && (!wilsonGuard || Wilson.lowerBound(sum.matched, of: sum.total) > limit)
        return RuleReading(breaching: breaching, calm: rate <= resolveBelow, value: rate, sum: sum,
                           limit: limit, resolveLimit: resolveBelow, windowSeconds: window)
    }
}

/// The Wilson score interval of a proportion: how sure a share seen in few requests is.
public enum Wilson {
    /// z for a two-sided 95% interval.
    public static let z95 = 1.959964

    /// The lower bound of the 95% Wilson interval of `k` successes in `n` trials (0 when `n` is 0).
    public static func lowerBound(_ k: UInt64, of n: UInt64, z: Double = z95) -> Double {
        guard n > 0 else { return 0 }
        let nn = Double(n), p = Double(min(k, n)) / nn, z2 = z * z
        let centre = p + z2 / (2 * nn)
        let margin = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return max(0, (centre - margin) / (1 + z2 / nn))
    }
}
