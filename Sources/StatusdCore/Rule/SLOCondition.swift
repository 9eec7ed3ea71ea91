/// An availability objective (`objective: 99.9%`, `period: 30d`) alerted on with the Google SRE
/// Workbook's multiwindow, multi-burn-rate pairs. The burn rate of a window is its error rate
/// divided by the error budget (1 - objective); a pair breaches when both its windows burn faster
/// than its threshold:
///
/// - page (critical): 1h and 5m above 14.4x, or 6h and 30m above 6x;
/// - ticket (warning): 3d and 6h above 1x.
///
/// Thresholds are the Workbook's for a 30-day period (2%, 5% and 10% of the budget spent in the
/// long window) and scale with other periods. Each pair set is a track with its own alert state,
/// so a ticket can be open while a page fires. With the guard (default), each window's rate must
/// also be above the threshold with 95% confidence (Wilson) and hold `min_requests`.
public struct SLOCondition: Sendable, Equatable {
    public var objective: Double
    public var period: Int64
    public var minRequests: UInt64
    public var wilsonGuard: Bool

    public init(objective: Double, period: Int64 = 30 * 86400, minRequests: UInt64 = 20, wilsonGuard: Bool = true) {
        self.objective = objective
        self.period = period
        self.minRequests = minRequests
        self.wilsonGuard = wilsonGuard
    }

    public var budget: Double { max(1e-9, 1 - objective) }

    /// One pair: both windows above `threshold` times the budget.
    public struct Pair: Sendable, Equatable {
        public var long: Int64
        public var short: Int64
        /// Share of the period's budget the long window spends at the threshold (Workbook: 2%, 5%, 10%).
        public var budgetShare: Double
        public var track: Int
    }

    /// The Workbook's pairs; tracks 0 (page) and 1 (ticket).
    public static let pairs: [Pair] = [
        Pair(long: 3600, short: 300, budgetShare: 0.02, track: 0),
        Pair(long: 21600, short: 1800, budgetShare: 0.05, track: 0),
        Pair(long: 259_200, short: 21600, budgetShare: 0.10, track: 1),
    ]
    public static let trackNames = ["page", "ticket"]
    public static let trackSeverities: [Severity] = [.critical, .warning]
    /// The windows whose burn rates are read, in order (then the period, for the budget).
    public static let burnWindows: [Int64] = [300, 1800, 3600, 21600, 259_200]

    public var windows: [Int64] { Self.burnWindows + [period] }

    /// The burn threshold of a pair for this period (14.4, 6 and 1 for 30 days).
    public func threshold(_ p: Pair) -> Double { p.budgetShare * Double(period) / Double(p.long) }

    public func burn(_ s: WindowSum) -> Double { s.rate / budget }

    /// Budget left over the period: 1 untouched, 0 spent.
    public func budgetLeft(_ s: WindowSum) -> Double {
        guard s.total > 0 else { return 1 }
        return 1 - Double(s.matched) / (budget * Double(s.total))
    }

    private func index(_ w: Int64) -> Int { Self.burnWindows.firstIndex(of: w)! }

    private func above(_ s: WindowSum, _ threshold: Double) -> Bool {
        let limit = threshold * budget
        guard s.total >= minRequests, s.rate > limit else { return false }
        return !wilsonGuard || Wilson.lowerBound(s.matched, of: s.total) > limit
    }

    /// One reading per track: page, then ticket.
    public func evaluateTracks(_ sums: [WindowSum]) -> [RuleReading] {
        let burns = Self.burnWindows.indices.map { burn(sums[$0]) }
        let left = budgetLeft(sums[Self.burnWindows.count])
        return Self.trackNames.indices.map { track in
            let pairs = Self.pairs.filter { $0.track == track }
            var firing: Pair?
            var calm = true
            var best: (pair: Pair, margin: Double)?
            for p in pairs {
                let t = threshold(p)
                let l = sums[index(p.long)], s = sums[index(p.short)]
                if firing == nil, above(l, t), above(s, t) { firing = p }
                if burn(l) > t && burn(s) > t { calm = false }
                let margin = min(burn(l), burn(s)) / t
                if best == nil || margin > best!.margin { best = (p, margin) }
            }
            let shown = firing ?? best!.pair
            let t = threshold(shown)
            let sum = sums[index(shown.short)]
            let name = Self.trackNames[track]
            let detail = "\(name): \(DurationText.format(shown.long)) burn \(Self.burnText(burns[index(shown.long)])) and "
                + "\(DurationText.format(shown.short)) burn \(Self.burnText(burns[index(shown.short)])), "
                + "\(firing == nil ? "limit" : "above") \(Self.burnText(t)); "
                + "\(Percent.format(max(0, left))) of the \(DurationText.format(period)) error budget left"
            return RuleReading(breaching: firing != nil, calm: calm, value: sum.rate, sum: sum, limit: t * budget,
                               windowSeconds: shown.short, severity: Self.trackSeverities[track], detail: detail,
                               budgetLeft: left, burnRates: burns)
        }
    }

    /// `14.4x`, `6x`, `0.35x`
    public static func burnText(_ v: Double) -> String {
        Percent.trim(v, decimals: v >= 10 ? 1 : 2) + "x"
    }
}
