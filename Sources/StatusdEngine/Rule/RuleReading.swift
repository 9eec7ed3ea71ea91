/// What a condition made of the sums at one second: whether it breaches, whether it is calm
/// enough to resolve, and the figures a message shows.
public struct RuleReading: Sendable, Equatable {
    public var breaching: Bool
    /// At or below the resolve limit: a firing rule resolves once this has held for `resolve_for`.
    public var calm: Bool
    /// The figure compared with the limit (a rate as a fraction, a count, a burn rate's error rate).
    public var value: Double
    /// The sum the figure came from.
    public var sum: WindowSum
    /// The limit `value` is compared with, and the one it must fall to (hysteresis).
    public var limit: Double
    public var resolveLimit: Double
    /// The window `sum` covers, in seconds.
    public var windowSeconds: Int64
    /// The severity of this reading when it differs from the rule's (an SLO's page or ticket pair).
    public var severity: Severity?
    /// What fired, for people: `page: 1h burn 16.2x and 5m burn 31x above 14.4x; 62% of the 30d error budget left`.
    public var detail: String?
    /// An SLO's error budget left over its period (1 = untouched, 0 = spent, negative = overspent).
    public var budgetLeft: Double?
    /// An SLO's burn rates, one per window of `SLOCondition.burnWindows`.
    public var burnRates: [Double]?
    /// An SLO's pairs (bit `1 << index` of `SLOCondition.pairs`) whose windows both burn above the
    /// pair's threshold, guard or not: what a quick all-clear holds.
    public var breachingPairs: UInt8 = 0
    /// Set while a seasonal baseline falls back to the plain one (not enough history yet):
    /// `same_hour_last_week needs 5d more history; comparing with the previous 1h`.
    public var baselineFallback: String?

    public init(breaching: Bool, calm: Bool, value: Double, sum: WindowSum, limit: Double = 0, resolveLimit: Double? = nil,
                windowSeconds: Int64 = 0, severity: Severity? = nil, detail: String? = nil, budgetLeft: Double? = nil,
                burnRates: [Double]? = nil) {
        self.breaching = breaching
        self.calm = calm
        self.value = value
        self.sum = sum
        self.limit = limit
        self.resolveLimit = resolveLimit ?? limit
        self.windowSeconds = windowSeconds
        self.severity = severity
        self.detail = detail
        self.budgetLeft = budgetLeft
        self.burnRates = burnRates
    }
}
