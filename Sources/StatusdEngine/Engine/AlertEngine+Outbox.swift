import StatusdParse

/// The delivery service's side of the outbox: what a sink has, what it has not, what it should
/// be sent again, and what is too old to send.
extension AlertEngine {
    /// `sink` has these notifications (one message or a digest, or refused for good); for a sink
    /// that re-sends (Alertmanager) `standing` become its standing alerts.
    public mutating func acknowledged(_ seqs: [UInt64], sink: String, standing: [AlertTransition]? = nil, now: Int64) -> [EngineAction] {
        for seq in seqs { outbox.acknowledge(seq, sink: sink) }
        if let standing { outbox.standing.record(standing, sink: sink, now: now) }
        return [.saveState]
    }

    /// Every notification waiting for `sink`, oldest first (one, or a digest).
    public func queuedEntries(for sink: String) -> [Outbox.Entry] {
        outbox.entries.filter { $0.pending.contains(sink) }
    }

    /// What `sink` should be sent again now: its firing alerts whose episode still fires, and
    /// resolved ones it got within `resolvedFor` seconds.
    public mutating func standingAlerts(for sink: String, resolvedFor: Int64, now: Int64) -> (due: [AlertTransition], actions: [EngineAction]) {
        let before = outbox.standing.count(for: sink)
        let due = outbox.standing.due(for: sink, now: now, resolvedFor: resolvedFor, firing: firingAlertIDs())
        return (due, due.count != before ? [.saveState] : [])
    }

    /// The episodes firing now (`AlertTransition.alertID`): the monitor's, and statusd's own
    /// degradations paged and not yet resolved.
    public func firingAlertIDs() -> Set<String> {
        var ids = Set(firingEpisodes().keys)
        for a in health.alerted.values {
            ids.insert(AlertTransition.alertID(rule: AlertTransition.healthRule, group: a.degradation.key, firedAt: a.degradation.since))
        }
        return ids
    }

    /// Gives up on notifications older than `maxAgeSeconds`, and says so.
    mutating func expireOld(now: Int64, into actions: inout [EngineAction]) {
        let expired = outbox.expire(olderThan: Self.maxAgeSeconds, now: now)
        for (entry, sinks) in expired {
            for sink in sinks {
                actions.append(.sinkGaveUp(sink: sink, error: "gave up after \(DurationText.format(Self.maxAgeSeconds))"))
                actions.log(.error, "gave up delivering \(entry.transition.kind.rawValue) of \(entry.transition.rule) to \(sink) after \(DurationText.format(Self.maxAgeSeconds))",
                            ["sink": sink, "rule": entry.transition.rule])
            }
        }
        if !expired.isEmpty { actions.append(.saveState) }
    }
}
