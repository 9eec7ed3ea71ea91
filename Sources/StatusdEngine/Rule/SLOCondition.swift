import StatusdParse
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
///
/// Two things go beyond the Workbook:
///
/// - **Quick all-clear** (`all_clear: quick`, the default): a page resolves once the error rate
///   over the last `resolve_for` (5m) is back within the objective (burn at most 1x, over at
///   least `min_requests` requests), instead of once every pair's short window has let the
///   incident go (the 30m window: about 30 minutes after the site recovered). The pairs still
///   breaching then (the incident is inside their windows) are held: they fire again only when
///   the shortest window breaches their threshold too (a second incident).
///   `all_clear: workbook` keeps the Workbook's behaviour.
/// - **Evidence for long windows**: a long window holding less history than its span (a 3d window
///   two seconds or six hours into a fresh install, a group that just appeared) counts the part
///   it has not seen as error-free instead of extrapolating what it has over the whole span.
public struct SLOCondition: Sendable, Equatable {
    /// How a firing page resolves.
    public enum AllClear: String, Sendable, Equatable, CaseIterable {
        /// Once the last `resolve_for` is back within the objective.
        case quick
        /// Once no pair breaches (the Workbook's).
        case workbook
    }

    public var objective: Double
    public var period: Int64
    public var minRequests: UInt64
    public var wilsonGuard: Bool
    public var allClear: AllClear
    /// Quick all-clear: the stretch whose error rate must be back within the objective.
    public var resolveFor: Int64

    public init(objective: Double, period: Int64 = 30 * 86400, minRequests: UInt64 = 20, wilsonGuard: Bool = true,
                allClear: AllClear = .quick, resolveFor: Int64 = 300) {
        self.objective = objective
        self.period = period
        self.minRequests = minRequests
        self.wilsonGuard = wilsonGuard
        self.allClear = allClear
        self.resolveFor = max(1, resolveFor)
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
    /// The burn windows' names (`5m`, `3d`), made once: a reading is made every second.
    static let windowNames: [Int64: String] = Dictionary(uniqueKeysWithValues: burnWindows.map { ($0, DurationText.format($0)) })
    /// Bits of the page track's pairs.
    public static let pagePairs: UInt8 = 0b011

    /// The burn windows, the period, then (quick all-clear with a `resolve_for` that is not a burn
    /// window) the all-clear window.
    public var windows: [Int64] {
        var w = Self.burnWindows + [period]
        if allClear == .quick, !Self.burnWindows.contains(resolveFor) { w.append(resolveFor) }
        return w
    }

    /// The burn threshold of a pair for this period (14.4, 6 and 1 for 30 days).
    public func threshold(_ p: Pair) -> Double { p.budgetShare * Double(period) / Double(p.long) }

    public func burn(_ s: WindowSum) -> Double { s.rate / budget }

    /// Budget left over the period: 1 untouched, 0 spent.
    public func budgetLeft(_ s: WindowSum) -> Double {
        guard s.total > 0 else { return 1 }
        return 1 - Double(s.matched) / (budget * Double(s.total))
    }

    private func index(_ w: Int64) -> Int { Self.burnWindows.firstIndex(of: w)! }

    /// The share of window `w` the series' history covers: the part not seen counts as
    /// error-free, so a window's rate is scaled by it (1 once the history is as long as the window).
    public static func coverage(_ w: Int64, history: Int64) -> Double {
        history >= w ? 1 : Double(max(0, history)) / Double(w)
    }

    /// `s` (scaled by `coverage`) above `threshold` with at least `minRequests` requests and, with
    /// the guard, with 95% confidence.
    private func above(_ s: WindowSum, _ threshold: Double, coverage c: Double = 1) -> Bool {
        let limit = threshold * budget
        guard s.total >= minRequests, s.rate * c > limit else { return false }
        return !wilsonGuard || Wilson.lowerBound(s.matched, of: s.total) * c > limit
    }

    /// The sum of the quick all-clear window among `sums`.
    private func clearSum(_ sums: [WindowSum]) -> WindowSum {
        if let k = Self.burnWindows.firstIndex(of: resolveFor) { return sums[k] }
        return sums.count > Self.burnWindows.count + 1 ? sums[Self.burnWindows.count + 1] : WindowSum()
    }

    /// One reading per track: page, then ticket.
    public func evaluateTracks(_ sums: [WindowSum], _ context: RuleContext = .plain) -> [RuleReading] {
        let burns = Self.burnWindows.indices.map { burn(sums[$0]) }
        let left = budgetLeft(sums[Self.burnWindows.count])
        let shortest = sums[0]
        let clear = clearSum(sums)
        let quickCalm = allClear == .quick && clear.total >= max(1, minRequests) && burn(clear) <= 1
        return Self.trackNames.indices.map { track in
            var firing: Pair?
            var calm = true
            var raw: UInt8 = 0
            var best: (pair: Pair, margin: Double)?
            for (n, p) in Self.pairs.enumerated() where p.track == track {
                let t = threshold(p)
                let l = sums[index(p.long)], s = sums[index(p.short)]
                let c = Self.coverage(p.long, history: context.history)
                let bit = UInt8(1) << UInt8(n)
                // A held pair fires again only with a new breach of the shortest window.
                let free = context.held & bit == 0 || above(shortest, t)
                if firing == nil, free, above(l, t, coverage: c), above(s, t) { firing = p }
                if burn(l) * c > t && burn(s) > t { calm = false; raw |= bit }
                let margin = min(burn(l) * c, burn(s)) / t
                if best == nil || margin > best!.margin { best = (p, margin) }
            }
            if track == 0, quickCalm { calm = true }
            let shown = firing ?? best!.pair
            let t = threshold(shown)
            let sum = sums[index(shown.short)]
            let name = Self.trackNames[track]
            let c = Self.coverage(shown.long, history: context.history)
            let seen = c < 1 ? " (\(DurationText.format(max(0, context.history))) of history)" : ""
            let detail = "\(name): \(Self.windowNames[shown.long]!) burn \(Self.burnText(burns[index(shown.long)] * c))\(seen) and "
                + "\(Self.windowNames[shown.short]!) burn \(Self.burnText(burns[index(shown.short)])), "
                + "\(firing == nil ? "limit" : "above") \(Self.burnText(t)); "
                + "\(Percent.format(max(0, left))) of the \(DurationText.format(period)) error budget left"
            var reading = RuleReading(breaching: firing != nil, calm: calm, value: sum.rate, sum: sum, limit: t * budget,
                                      windowSeconds: shown.short, severity: Self.trackSeverities[track], detail: detail,
                                      budgetLeft: left, burnRates: burns)
            reading.breachingPairs = raw
            return reading
        }
    }

    /// `14.4x`, `6x`, `0.35x`
    public static func burnText(_ v: Double) -> String {
        Percent.trim(v, decimals: v >= 10 ? 1 : 2) + "x"
    }
}
