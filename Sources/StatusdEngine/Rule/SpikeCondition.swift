import StatusdParse
/// A spike: the rate over `window` is more than `factor` times its own level over the `baseline`
/// before the window, and above `floor` (so 0.1% becoming 0.4% does not page), with at least
/// `minRequests` requests.
public struct SpikeCondition: Sendable, Equatable {
    public var factor: Double
    public var window: Int64
    public var baseline: Int64
    /// The rate must also be above this share.
    public var floor: Double
    public var minRequests: UInt64
    /// Compare with the same hour a day or a week ago instead of the `baseline` before the window;
    /// `baseline` is the fallback until the series has that hour.
    public var seasonal: SeasonalBaseline?

    public init(factor: Double, window: Int64 = 300, baseline: Int64 = 3600, floor: Double = 0.01, minRequests: UInt64 = 20,
                seasonal: SeasonalBaseline? = nil) {
        self.seasonal = seasonal
        self.factor = factor
        self.window = window
        self.baseline = baseline
        self.floor = floor
        self.minRequests = minRequests
    }

    /// The window, then window plus baseline (the baseline is their difference).
    public var windows: [Int64] { [window, window + baseline] }

    public func evaluate(_ sums: [WindowSum], _ context: RuleContext = .plain) -> RuleReading {
        let current = sums[0]
        let base: Double
        let against: String
        if seasonal != nil, let hour = context.seasonal {
            base = hour.rate
            against = seasonal!.text
        } else {
            let beforeTotal = sums[1].total &- current.total
            let beforeMatched = sums[1].matched &- current.matched
            base = beforeTotal == 0 ? 0 : Double(beforeMatched) / Double(beforeTotal)
            against = "over the previous \(DurationText.format(baseline))"
        }
        let limit = max(floor, factor * base)
        let rate = current.rate
        let breaching = current.total >= minRequests && rate > limit
        var reading = RuleReading(breaching: breaching, calm: rate <= limit, value: rate, sum: current, limit: limit,
                                  windowSeconds: window,
                                  detail: "\(Percent.format(rate)) against \(Percent.format(base)) \(against) (\(Percent.trim(factor, decimals: 1))x limit, floor \(Percent.format(floor)))")
        reading.baselineFallback = seasonal.flatMap { context.seasonal == nil ? $0.fallback(baseline, missing: context.seasonalMissing) : nil }
        return reading
    }
}
