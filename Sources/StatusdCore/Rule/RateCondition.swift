/// The share of matching requests over a window: breaching above `limit` with at least
/// `minRequests` requests (no page for 1 error in 2 requests), calm at or below `resolveBelow`
/// (hysteresis). A window with few requests is calm only when those few are not bad; an empty
/// window is calm.
public struct RateCondition: Sendable, Equatable {
    /// Breaches above this share of all requests in the window (0.05 for 5%).
    public var limit: Double
    /// Calm at or below this share; equals `limit` unless configured.
    public var resolveBelow: Double
    /// Window length in seconds.
    public var window: Int64
    public var minRequests: UInt64

    public init(limit: Double, resolveBelow: Double? = nil, window: Int64 = 300, minRequests: UInt64 = 20) {
        self.limit = limit
        self.resolveBelow = resolveBelow ?? limit
        self.window = window
        self.minRequests = minRequests
    }

    public func evaluate(_ sum: WindowSum) -> RuleReading {
        let rate = sum.rate
        return RuleReading(breaching: sum.total >= minRequests && rate > limit, calm: rate <= resolveBelow, value: rate, sum: sum)
    }
}
