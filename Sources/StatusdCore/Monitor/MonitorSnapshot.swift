/// What the monitor saves in a checkpoint: every input's counts and window, every rule's alert
/// state, and how far evaluation got, so a restart neither pages again nor re-evaluates seconds
/// it already did.
public struct MonitorSnapshot: Codable, Sendable, Equatable {
    public var inputs: [String: TallySnapshot]
    public var alerts: [String: AlertState]
    public var evaluatedThrough: Int64?
    public var clock: Int64?

    public init(inputs: [String: TallySnapshot], alerts: [String: AlertState], evaluatedThrough: Int64?, clock: Int64?) {
        self.inputs = inputs
        self.alerts = alerts
        self.evaluatedThrough = evaluatedThrough
        self.clock = clock
    }
}

extension Monitor {
    /// The monitor as a checkpoint stores it.
    public mutating func snapshot() -> MonitorSnapshot {
        flushAll()
        var tallies: [String: TallySnapshot] = [:]
        for i in inputs { tallies[i.name] = i.tally.snapshot }
        var alerts: [String: AlertState] = [:]
        for r in rules { alerts[r.rule.name] = r.state }
        return MonitorSnapshot(inputs: tallies, alerts: alerts, evaluatedThrough: evaluatedThrough,
                               clock: clock == .min ? nil : clock)
    }

    /// Takes back saved counts, windows, alert states and the evaluation point, for the inputs and
    /// rules that still exist.
    public mutating func restore(_ s: MonitorSnapshot) {
        for i in inputs.indices {
            if let t = s.inputs[inputs[i].name] {
                inputs[i].tally = InputTally(snapshot: t, windowSeconds: inputs[i].tally.window.capacity)
                if let newest = inputs[i].tally.window.newest.nonNegative, newest > newestData { newestData = newest }
            }
        }
        for r in rules.indices {
            if let state = s.alerts[rules[r].rule.name] { rules[r].state = state }
            for k in rules[r].sums.indices { rules[r].sums[k].invalidate() }
        }
        evaluatedThrough = s.evaluatedThrough
        if let c = s.clock { clock = c }
    }

    /// Input `name`'s tally, its batch flushed.
    public func tally(of name: String) -> InputTally? {
        guard var t = inputs.first(where: { $0.name == name })?.tally else { return nil }
        t.flush()
        return t
    }

    /// Rule `name`'s alert state.
    public func state(of name: String) -> AlertState? {
        rules.first { $0.rule.name == name }?.state
    }
}

extension Int64 {
    /// `nil` for the `.min` that marks "none yet".
    public var nonNegative: Int64? { self == .min ? nil : self }
}
