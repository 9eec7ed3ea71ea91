import StatusdParse

/// Once a second: notifications too old to send, escalations due, and statusd's own health.
extension AlertEngine {
    /// What the driver saw this second that the engine cannot: its own degradations (state file,
    /// reload, unreadable inputs, descriptors, inotify, sinks failing) and the sinks that deliver.
    public struct Observations: Sendable {
        /// Conditions that hold now.
        public var conditions: [Degradation]
        /// One-off events since the last second (a sink that gave up on a notification).
        public var events: [Degradation]
        /// The sinks that deliver now (not retrying, not disabled).
        public var working: [String]

        public init(conditions: [Degradation] = [], events: [Degradation] = [], working: [String] = []) {
            self.conditions = conditions
            self.events = events
            self.working = working
        }
    }

    /// A second passed: gives up on notifications too old to send and queues the escalations now
    /// due. The driver then gathers what it observes (`Observations`, after the sinks given up on
    /// are marked) and calls `checkHealth`.
    public mutating func tick(now: Int64) -> [EngineAction] {
        var actions: [EngineAction] = []
        expireOld(now: now, into: &actions)
        escalate(now: now, into: &actions)
        return actions
    }

    /// Records the events, updates the board with the conditions, and queues its self-alerts to
    /// the working sinks that take a warning (a sink's `severities`).
    public mutating func checkHealth(now: Int64, observed: Observations) -> [EngineAction] {
        var actions: [EngineAction] = []
        checkHealth(now: now, observed: observed, into: &actions)
        return actions
    }

    mutating func checkHealth(now: Int64, observed: Observations, into actions: inout [EngineAction]) {
        for event in observed.events { health.record(event) }
        let probe = AlertTransition.health(Degradation(kind: .reloadFailed, detail: "", since: now), kind: .firing, at: now)
        let routed = Set(routes.route(probe))
        let working = observed.working.filter { routed.contains($0) }
        let steps = health.update(observed: observed.conditions, now: now, config: config.health, working: working)
        guard !steps.isEmpty else { return }
        for step in steps {
            let t = step.transition
            remember(t)
            if outbox.enqueue(t, sinks: step.sinks, now: now) != nil {
                actions.log(.warning, "statusd \(t.kind == .firing ? "is degraded" : "recovered"): \(t.detail ?? t.match); alert sent to \(step.sinks.joined(separator: ","))",
                            ["health": t.group ?? t.match])
            }
            actions.append(.queued(t))
        }
        actions.append(.saveState)
        actions.append(.wakeDelivery)
    }

    /// A one-off degradation the driver found (a state file set aside as corrupt at start).
    public mutating func record(_ event: Degradation) {
        health.record(event)
    }
}
