import StatusdParse
/// A flatline: the watched input wrote no line for `window`, or (with `below`) its requests over
/// `window` fell below that share of the same window's level over the `baseline` before it.
/// A dead web server often stops logging rather than logging 5xx.
///
/// It must see quiet stretches: evaluation never skips them for this condition (`quietIsInert`
/// is false), in replay as live.
public struct NoTrafficCondition: Sendable, Equatable {
    /// `no_traffic: 5m`: the window in seconds.
    public var window: Int64
    /// `below: 10%`: the share of the baseline level under which it breaches; nil: only no line at all.
    public var below: Double?
    /// `baseline: 1h`: the stretch before the window whose level is compared.
    public var baseline: Int64
    /// The baseline must have expected at least this many requests per window to compare with.
    public var minRequests: UInt64
    /// With `below`: compare with the same hour a day or a week ago instead of the `baseline`
    /// before the window; `baseline` is the fallback until the series has that hour.
    public var seasonal: SeasonalBaseline?

    public init(window: Int64, below: Double? = nil, baseline: Int64 = 3600, minRequests: UInt64 = 20,
                seasonal: SeasonalBaseline? = nil) {
        self.seasonal = seasonal
        self.window = window
        self.below = below
        self.baseline = baseline
        self.minRequests = minRequests
    }

    /// The window, then window plus baseline (the baseline is their difference).
    public var windows: [Int64] { below == nil ? [window] : [window, window + baseline] }

    public func evaluate(_ sums: [WindowSum], _ context: RuleContext = .plain) -> RuleReading {
        let current = sums[0]
        let n = Double(current.total)
        if current.total == 0 {
            return RuleReading(breaching: true, calm: false, value: 0, sum: current, limit: 0, windowSeconds: window,
                               detail: "no line for \(DurationText.format(window))")
        }
        guard let below, sums.count > 1 else {
            return RuleReading(breaching: false, calm: true, value: n, sum: current, limit: 0, windowSeconds: window)
        }
        let expected: Double
        let against: String
        if seasonal != nil, let hour = context.seasonal {
            expected = hour.total
            against = seasonal!.text
        } else {
            let before = sums[1].total &- current.total
            expected = Double(before) * Double(window) / Double(max(1, baseline))
            against = "over the previous \(DurationText.format(baseline))"
        }
        let floor = below * expected
        let comparable = expected >= Double(minRequests)
        let breaching = comparable && n < floor
        let detail = comparable
            ? "\(Count.format(current.total)) requests in \(DurationText.format(window)), \(Percent.format(n / expected)) of the \(Count.format(UInt64(expected.rounded()))) usual \(against)"
            : nil
        var reading = RuleReading(breaching: breaching, calm: !breaching, value: n, sum: current, limit: floor,
                                  windowSeconds: window, detail: detail)
        reading.baselineFallback = seasonal.flatMap { context.seasonal == nil ? $0.fallback(baseline, missing: context.seasonalMissing) : nil }
        return reading
    }
}
