import StatusdCore

extension Pipeline {
    /// `sink` has these notifications; for a sink that re-sends (Alertmanager) they also become
    /// its standing alerts. Both in the outbox, saved at once: after a restart nothing is sent
    /// twice and what still fires goes on being re-sent.
    func acknowledge(_ seqs: [UInt64], sink: String, standing transitions: [AlertTransition]) {
        lock.withLock {
            for seq in seqs { outbox.acknowledge(seq, sink: sink) }
            outbox.standing.record(transitions, sink: sink, now: clock())
            saveCheckpoint(now: clock(), force: true)
        }
    }

    /// What `sink` should be sent again now: its firing alerts whose episode the alert states
    /// still say fires, and resolved ones it got within `resolvedFor` seconds.
    func standingAlerts(for sink: String, resolvedFor: Int64) -> [AlertTransition] {
        lock.withLock {
            let before = outbox.standing.count(for: sink)
            let due = outbox.standing.due(for: sink, now: clock(), resolvedFor: resolvedFor, firing: firingAlertIDs())
            if due.count != before { saveCheckpoint(now: clock(), force: true) }
            return due
        }
    }

    /// The episodes firing now (`AlertTransition.alertID`), from the monitor's alert states.
    /// Called with the lock held.
    func firingAlertIDs() -> Set<String> {
        var ids = Set<String>()
        for rule in monitor.rules {
            for series in rule.series {
                for track in series.tracks where track.state.phase == .firing {
                    guard let fired = track.state.firedAt else { continue }
                    ids.insert(AlertTransition.alertID(rule: rule.rule.name, group: series.group, track: track.name, firedAt: fired))
                }
            }
        }
        // statusd's own degradations paged and not yet resolved (`health`).
        for a in selfHealth.board.alerted.values {
            ids.insert(AlertTransition.alertID(rule: AlertTransition.healthRule, group: a.degradation.key, firedAt: a.degradation.since))
        }
        return ids
    }
}
