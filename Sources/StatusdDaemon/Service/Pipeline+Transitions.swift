import Logging
import StatusdCore

extension Pipeline {
    /// Takes the monitor's transitions: logs them, and queues firing and resolved ones in the
    /// outbox, saved in the same checkpoint as the alert states that produced them, before the
    /// delivery service is told. Called with the lock held.
    func collect(now: Int64) {
        let transitions = monitor.takeTransitions()
        guard !transitions.isEmpty else { return }
        var queued = false
        for t in transitions {
            log(t)
            recent.append(t)
            guard t.kind.notifies else { continue }
            // Inhibited by another rule's firing alert for the same group: shown in status and the
            // log, not sent (its whole episode).
            if let by = t.inhibitedBy {
                logger.info("rule \(t.rule) \(t.kind.rawValue) not sent: inhibited by \(by)", metadata: ["rule": "\(t.rule)"])
                continue
            }
            // Silenced (`statusd silence add`): shown in status and the log, sent nowhere.
            if let s = silence(for: t, now: now) {
                logger.info("rule \(t.rule) \(t.kind.rawValue) not sent: silenced by \(s.id)", metadata: ["rule": "\(t.rule)"])
                continue
            }
            // Escalation, acknowledgements, who got the firing (Pipeline+Lifecycle).
            var t = t
            guard let sinks = lifecycleSinks(for: &t, now: now) else { continue }
            if echoToStderr { StderrAlertEcho.write(t) }
            if outbox.enqueue(t, sinks: sinks, now: now) != nil { queued = true }
        }
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
        saveCheckpoint(now: now, force: true)
        if queued { doorbell.ring() }
    }

    /// The sinks a notification goes to: journald, then the rule's `sinks` or every sink, each
    /// only if it takes the alert's severity (`SinkBoard.route`).
    func sinks(for t: AlertTransition) -> [String] {
        board.route(t)
    }

    /// The oldest notification `sink` has not acknowledged.
    func nextNotification(for sink: String) -> Outbox.Entry? {
        lock.withLock { outbox.next(for: sink) }
    }

    /// Every notification waiting for `sink`, oldest first (for a digest).
    func queuedEntries(for sink: String) -> [Outbox.Entry] {
        lock.withLock { outbox.entries.filter { $0.pending.contains(sink) } }
    }

    /// `sink` has notification `seq`; saved at once, so a restart does not send it again.
    func acknowledge(_ seq: UInt64, sink: String) {
        acknowledge([seq], sink: sink)
    }

    /// `sink` has these notifications (one message or a digest); saved at once.
    func acknowledge(_ seqs: [UInt64], sink: String) {
        lock.withLock {
            for seq in seqs { outbox.acknowledge(seq, sink: sink) }
            saveCheckpoint(now: clock(), force: true)
        }
    }

    /// A reload changed the sinks: notifications wait only for sinks that still exist.
    func retainSinks(_ names: Set<String>) {
        lock.withLock {
            outbox.retain(sinks: names)
            saveCheckpoint(now: clock(), force: true)
        }
    }

    /// Gives up on notifications older than `maxAgeSeconds`, and says so.
    func expireOld(now: Int64) {
        for (entry, sinks) in outbox.expire(olderThan: maxAgeSeconds, now: now) {
            for sink in sinks {
                board.failed(sink, error: "gave up after \(DurationText.format(maxAgeSeconds))", at: now)
                logger.error("gave up delivering \(entry.transition.kind.rawValue) of \(entry.transition.rule) to \(sink) after \(DurationText.format(maxAgeSeconds))",
                             metadata: ["sink": "\(sink)", "rule": "\(entry.transition.rule)"])
            }
        }
    }

    private func log(_ t: AlertTransition) {
        var meta: Logger.Metadata = ["rule": "\(t.rule)", "state": "\(t.kind.rawValue)", "at": "\(CivilTime.iso8601(t.at))"]
        if t.late { meta["late"] = "true" }
        switch t.kind {
        case .pending: logger.info("rule \(t.rule) pending: \(Percent.format(t.rate)) over \(Percent.format(t.limit))", metadata: meta)
        case .cleared: logger.info("rule \(t.rule) back to ok before firing", metadata: meta)
        case .firing, .resolved: logger.debug("rule \(t.rule) \(t.kind.rawValue)", metadata: meta)
        }
    }
}
