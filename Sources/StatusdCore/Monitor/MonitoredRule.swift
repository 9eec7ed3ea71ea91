/// One rule as the monitor evaluates it: the inputs it watches (by position), one rolling sum per
/// window its condition reads, its alert state and its last reading (for status).
public struct MonitoredRule: Sendable {
    public let rule: Rule
    /// Positions of the inputs it watches.
    public let inputs: [Int]
    public internal(set) var sums: [RollingSum]
    public internal(set) var state: AlertState
    /// The condition's reading at the last evaluated second.
    public internal(set) var reading: RuleReading

    init(rule: Rule, inputs: [Int], state: AlertState) {
        self.rule = rule
        self.inputs = inputs
        self.state = state
        sums = rule.condition.windows.map { RollingSum(length: $0, match: rule.match) }
        reading = rule.condition.evaluate(rule.condition.windows.map { _ in WindowSum() })
    }
}
