/// Evaluates every rule against the inputs' windows and keeps their alert states.
///
/// Pure: the caller hands it the tallies and the time, and gets back the transitions to send.
/// Its states are `Codable` so a restart neither pages again nor loses a resolved notice.
public struct RuleEngine: Sendable {
    public private(set) var rules: [Rule]
    public private(set) var states: [String: AlertState] = [:]
    /// The last sum each rule saw, for `statusd status`.
    public private(set) var lastSums: [String: WindowSum] = [:]

    public init(rules: [Rule]) {
        self.rules = rules
        for r in rules { states[r.name] = AlertState() }
    }

    /// New rules (reload): rules that keep their name keep their state.
    public mutating func replaceRules(_ newRules: [Rule]) {
        var newStates: [String: AlertState] = [:]
        for r in newRules { newStates[r.name] = states[r.name] ?? AlertState() }
        rules = newRules
        states = newStates
        lastSums = lastSums.filter { newStates[$0.key] != nil }
    }

    public mutating func restore(states saved: [String: AlertState]) {
        for (name, state) in saved where states[name] != nil { states[name] = state }
    }

    /// The window sums of `rule` over the named tallies.
    public static func sum(_ rule: Rule, over tallies: [(name: String, tally: InputTally)], now: Int64) -> WindowSum {
        var total = WindowSum()
        for (name, tally) in tallies where rule.watches(input: name) {
            total.add(tally.window.sum(lastSeconds: rule.window, endingAt: now, matching: rule.match))
        }
        return total
    }

    /// Evaluates all rules at `now`; returns the transitions, in rule order.
    public mutating func evaluate(_ tallies: [(name: String, tally: InputTally)], now: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for rule in rules {
            let sum = Self.sum(rule, over: tallies, now: now)
            lastSums[rule.name] = sum
            var state = states[rule.name] ?? AlertState()
            let firedBefore = state.firedAt
            if let kind = state.evaluate(rule, sum, now: now) {
                let inputs = tallies.map(\.name).filter { rule.watches(input: $0) }
                events.append(AlertEvent(
                    rule: rule, kind: kind, sum: sum, inputs: inputs, at: now,
                    firedAt: kind == .resolved ? firedBefore : state.firedAt, peakRate: state.peakRate))
            }
            states[rule.name] = state
        }
        return events
    }
}
