import StatusdParse

/// Escalation (`after:`), acknowledgements (`statusd ack`) and maintenance windows: the decisions
/// are `AlertEpisodes`' and `MaintenanceSchedule`'s; this asks them and turns their answers into
/// notifications and actions. The episodes ride in the outbox, so they are saved in the same
/// write as the notifications they queue.
extension AlertEngine {
    /// The sinks a notification that passed inhibition and silences goes to now, or nil when it is
    /// not sent (a reminder of an acknowledged episode). Firing: the sinks without `after` (the
    /// others wait); reminders and resolved notices: the sinks that got the firing, carrying the
    /// acknowledgement.
    mutating func lifecycleSinks(for t: inout AlertTransition, now: Int64, into actions: inout [EngineAction]) -> [String]? {
        let plan = routes.plan(for: t)
        let followUp: AlertEpisodes.FollowUp
        switch t.kind {
        case .firing where t.notice == nil || t.sequence == 1:
            let sinks = outbox.episodes.fired(t, route: plan, now: now)
            let later = plan.filter { $0.after > 0 }
            if !later.isEmpty {
                actions.log(.info, "rule \(t.rule) firing: escalates to \(later.map { "\($0.sink) after \(DurationText.format($0.after))" }.joined(separator: ", ")) if still firing, unsilenced and unacknowledged",
                            ["rule": t.rule])
            }
            return sinks
        case .firing:
            followUp = outbox.episodes.followUp(t)
        case .resolved:
            followUp = outbox.episodes.resolved(t)
        case .pending, .cleared:
            return nil
        }
        switch followUp {
        case .mute(let why):
            actions.log(.info, "rule \(t.rule) reminder not sent: \(why)", ["rule": t.rule])
            return nil
        case .send(let sinks, let ack):
            if let ack {
                t.acknowledgedAt = ack.at
                t.ackReason = ack.reason
            }
            guard let sinks else { return plan.filter { $0.after <= 0 }.map(\.sink) }
            let names = Set(sinkNames)
            return sinks.filter { names.contains($0) }
        }
    }

    /// Queues the escalations now due (or drops them, saying why). Once a second.
    mutating func escalate(now: Int64, into actions: inout [EngineAction]) {
        // Episodes whose resolution was never seen here (silenced, a reload removed the rule).
        if now % 60 == 0, !outbox.episodes.episodes.isEmpty { outbox.episodes.retain(firing: Set(firingEpisodes().keys)) }
        guard let due = outbox.episodes.nextDue, due <= now else { return }
        let firing = firingEpisodes()
        let schedule = self.schedule, silences = self.silences
        let steps = outbox.episodes.due(now: now) { e in
            guard firing[e.alertID] != nil else { return "no longer firing" }
            if let s = silences.covering(rule: e.rule, group: e.group, at: now) { return "silenced by \(s.id)" }
            if let m = schedule.muting(rule: e.rule, group: e.group, at: now) { return "maintenance window \(m.window.name)" }
            return nil
        }
        var queued = false
        for step in steps {
            switch step {
            case .send(let t, let sinks):
                if enqueue(t, sinks: sinks, now: now, into: &actions) { queued = true }
                actions.log(.notice, "rule \(t.rule) escalated to \(sinks.joined(separator: ", ")): still firing after \(DurationText.format(t.escalatedAfter ?? 0))",
                            ["rule": t.rule, "alert_id": t.alertID ?? ""])
            case .drop(let id, let sinks, let why):
                actions.log(.info, "escalation of \(id) to \(sinks.joined(separator: ", ")) not sent: \(why)", ["alert_id": id])
            }
        }
        guard !steps.isEmpty else { return }
        actions.append(.saveState)
        if queued { actions.append(.wakeDelivery) }
    }

    /// Every firing alert's episode id, with its rule, group and track.
    public func firingEpisodes() -> [String: (rule: String, group: String?, track: String?)] {
        var out: [String: (rule: String, group: String?, track: String?)] = [:]
        for r in monitor.rules {
            for s in r.series {
                for t in s.tracks where t.state.phase == .firing {
                    guard let fired = t.state.firedAt else { continue }
                    out[AlertTransition.alertID(rule: r.rule.name, group: s.group, track: t.name, firedAt: fired)] = (r.rule.name, s.group, t.name)
                }
            }
        }
        return out
    }

    /// `statusd ack`: records the acknowledgement of a firing episode. The driver saves the state
    /// (`.saveState`) before it answers.
    public mutating func acknowledge(_ request: AckRequest, now: Int64) throws(AckError) -> (episode: AlertEpisodes.Episode, actions: [EngineAction]) {
        let found = firingEpisodes()[request.alertID]
        let episode = try outbox.episodes.acknowledge(request.alertID, reason: request.reason, firing: found != nil,
                                                      rule: found?.rule ?? "", group: found?.group, track: found?.track ?? nil, now: now)
        var actions: [EngineAction] = [.saveState]
        let stopped = episode.waiting.map(\.sink)
        let said = "alert \(SafeText.field(request.alertID)) acknowledged\(episode.ack?.reason.map { ": " + SafeText.field($0) } ?? "")"
            + (stopped.isEmpty ? "" : "; escalation to \(stopped.joined(separator: ", ")) stopped")
        actions.log(.notice, said, ["rule": episode.rule, "alert_id": episode.alertID])
        return (episode, actions)
    }

    /// The maintenance window muting `t` now, as a silence (so it is recorded as silences are:
    /// its resolved notice stays quiet too).
    func maintenanceSilence(for t: AlertTransition, now: Int64) -> Silence? {
        guard !config.maintenance.isEmpty,
              let m = schedule.muting(rule: t.rule, group: t.group, at: now) else { return nil }
        return Silence(id: "maintenance:\(m.window.name)", rule: t.rule, group: t.group, until: m.until,
                       reason: "maintenance window \(m.window.name) (\(m.window.every) \(m.window.zone.name))", createdAt: now)
    }
}
