import StatusdParse

/// Lines were counted or a second was evaluated: the monitor's transitions are logged, gated
/// (decided before a crash, inhibited, silenced, maintenance, escalation, acknowledged) and the
/// ones to send queued in the outbox, saved before delivery is woken.
extension AlertEngine {
    /// Takes the monitor's transitions and decides each; `[]` when there were none.
    public mutating func collect(now: Int64) -> [EngineAction] {
        let transitions = monitor.takeTransitions()
        guard !transitions.isEmpty else { return [] }
        var actions: [EngineAction] = []
        var queued = false
        for t in transitions {
            log(t, into: &actions)
            remember(t)
            guard t.kind.notifies else { continue }
            // Re-read from the snapshot's offsets after a crash: decided before it.
            guard firstDecision(t, into: &actions) else { continue }
            // Inhibited by another rule's firing alert for the same group: shown in status and the
            // log, not sent (its whole episode).
            if let by = t.inhibitedBy {
                actions.log(.info, "rule \(t.rule) \(t.kind.rawValue) not sent: inhibited by \(by)", ["rule": t.rule])
                continue
            }
            // Silenced (`statusd silence add`) or in a maintenance window: shown in status and
            // the log, sent nowhere.
            if let s = silence(for: t, now: now, into: &actions) {
                actions.log(.info, "rule \(t.rule) \(t.kind.rawValue) not sent: silenced by \(s.id)", ["rule": t.rule])
                continue
            }
            // Escalation, acknowledgements, who got the firing (AlertEngine+Lifecycle).
            var t = t
            guard let sinks = lifecycleSinks(for: &t, now: now, into: &actions) else { continue }
            if enqueue(t, sinks: sinks, now: now, into: &actions) { queued = true }
        }
        actions.append(.saveState)
        if queued { actions.append(.wakeDelivery) }
        return actions
    }

    /// Queues `t` for `sinks`; `true` when it was queued (not already there).
    mutating func enqueue(_ t: AlertTransition, sinks: [String], now: Int64, into actions: inout [EngineAction]) -> Bool {
        actions.append(.queued(t))
        return outbox.enqueue(t, sinks: sinks, now: now) != nil
    }

    /// `false` when the notifying transition `t` was already decided before a crash (re-derived
    /// from the logs while catching up from the snapshot's offsets): it is not queued again.
    /// Records it otherwise.
    mutating func firstDecision(_ t: AlertTransition, into actions: inout [EngineAction]) -> Bool {
        guard let key = t.idempotencyKey else { return true }
        guard decide(key, at: t.at) else {
            // (No `rule`/`alert_id` metadata: journal fields that tools and tests read as the alert's own entries.)
            actions.log(.info, "rule \(t.rule) \(t.kind.rawValue) \(key) re-read after a restart: already decided, not queued again")
            return false
        }
        return true
    }

    /// Records that the notifying transition `key` (event second `at`) is decided; `false` when it
    /// already was.
    public mutating func decide(_ key: String, at: Int64) -> Bool {
        guard decided[key] == nil else { return false }
        if decided.count >= Self.decidedLimit, let oldest = decided.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            decided[oldest.key] = nil
        }
        decided[key] = at
        return true
    }

    /// A snapshot evaluated through `evaluatedThrough` was written: the keys of transitions at or
    /// before it cannot come back from re-reading its offsets, and are forgotten.
    public mutating func snapshotSaved(evaluatedThrough: Int64?) {
        guard let e = evaluatedThrough else { return }
        decided = decided.filter { $0.value > e }
    }

    private func log(_ t: AlertTransition, into actions: inout [EngineAction]) {
        var meta = ["rule": t.rule, "state": t.kind.rawValue, "at": CivilTime.iso8601(t.at)]
        if t.late { meta["late"] = "true" }
        switch t.kind {
        case .pending: actions.log(.info, "rule \(t.rule) pending: \(Percent.format(t.rate)) over \(Percent.format(t.limit))", meta)
        case .cleared: actions.log(.info, "rule \(t.rule) back to ok before firing", meta)
        case .firing, .resolved: actions.log(.debug, "rule \(t.rule) \(t.kind.rawValue)", meta)
        }
    }
}
