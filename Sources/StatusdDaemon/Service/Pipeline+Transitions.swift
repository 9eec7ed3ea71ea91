import StatusdCore

/// The engine's events that come from the delivery service and the loop: the monitor's
/// transitions, acknowledgements, sinks that changed (`OutboxPort`).
extension Pipeline {
    /// Every notification waiting for `sink`, oldest first (for a digest).
    func queuedEntries(for sink: String) -> [Outbox.Entry] {
        driver.withLock { $0.engine.queuedEntries(for: sink) }
    }

    /// `sink` has these notifications (one message or a digest); saved at once.
    func acknowledge(_ seqs: [UInt64], sink: String) {
        driver.withLock { d in
            let now = d.clock()
            d.perform(d.engine.acknowledged(seqs, sink: sink, now: now), now: now)
        }
    }

    /// `sink` has these notifications; for a sink that re-sends (Alertmanager) they also become
    /// its standing alerts. Both in the outbox, saved at once: after a restart nothing is sent
    /// twice and what still fires goes on being re-sent.
    func acknowledge(_ seqs: [UInt64], sink: String, standing transitions: [AlertTransition]) {
        driver.withLock { d in
            let now = d.clock()
            d.perform(d.engine.acknowledged(seqs, sink: sink, standing: transitions, now: now), now: now)
        }
    }

    /// What `sink` should be sent again now: its firing alerts whose episode the alert states
    /// still say fires, and resolved ones it got within `resolvedFor` seconds.
    func standingAlerts(for sink: String, resolvedFor: Int64) -> [AlertTransition] {
        driver.withLock { d in
            let now = d.clock()
            let (due, actions) = d.engine.standingAlerts(for: sink, resolvedFor: resolvedFor, now: now)
            d.perform(actions, now: now)
            return due
        }
    }

    /// A reload made new sinks (`SinkBoard.reconfigure`): the engine routes to them, and
    /// notifications wait only for sinks that still exist.
    func sinksChanged() {
        driver.withLock { d in
            d.perform(d.engine.reroute(d.board.routes(config: d.config)), now: d.clock())
        }
    }
}

extension PipelineDriver {
    /// Hands the monitor's transitions to the engine and does what it answers: after lines were
    /// read or a second evaluated.
    func collect(now: Int64) {
        perform(engine.collect(now: now), now: now)
    }
}
