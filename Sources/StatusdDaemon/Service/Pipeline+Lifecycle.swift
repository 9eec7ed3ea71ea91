import Logging
import StatusdCore

/// Escalation (`after:`), acknowledgements (`statusd ack`) and maintenance windows, wired into the
/// pipeline: the decisions are `AlertEpisodes`' and `MaintenanceSchedule`'s (pure); this file asks
/// them and does what they answer. The episodes ride in the outbox, so they are saved in the same
/// atomic write as the notifications they queue.
extension Pipeline {
    /// Why an acknowledgement failed: the request (400/404) or the state directory (500).
    public enum AckFailure: Error, CustomStringConvertible {
        case refused(AckError)
        case notSaved(String)

        public var description: String {
            switch self {
            case .refused(let e): return e.description
            case .notSaved(let why): return "the acknowledgement could not be saved: \(why)"
            }
        }
    }

    /// Where routing sends `t`, each sink with how long the alert must have fired first.
    func routePlan(for t: AlertTransition) -> [(sink: String, after: Int64)] {
        let rule = config.rules.first { $0.name == t.rule }
        return sinks(for: t).map { name in
            (name, name == ConfigLoader.journalSinkName ? 0 : config.escalationDelay(rule: rule, sink: name))
        }
    }

    /// The sinks a notification that passed inhibition and silences goes to now, or nil when it is
    /// not sent (a reminder of an acknowledged episode). Firing: the sinks without `after` (the
    /// others wait); reminders and resolved notices: the sinks that got the firing, carrying the
    /// acknowledgement. Called with the lock held.
    func lifecycleSinks(for t: inout AlertTransition, now: Int64) -> [String]? {
        let original = t
        let immediate = { self.routePlan(for: original).filter { $0.after <= 0 }.map(\.sink) }
        let followUp: AlertEpisodes.FollowUp
        switch t.kind {
        case .firing where t.notice == nil || t.sequence == 1:
            let plan = routePlan(for: t)
            let sinks = outbox.episodes.fired(t, route: plan, now: now)
            let later = plan.filter { $0.after > 0 }
            if !later.isEmpty {
                logger.info("rule \(t.rule) firing: escalates to \(later.map { "\($0.sink) after \(DurationText.format($0.after))" }.joined(separator: ", ")) if still firing, unsilenced and unacknowledged",
                            metadata: ["rule": "\(t.rule)"])
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
            logger.info("rule \(t.rule) reminder not sent: \(why)", metadata: ["rule": "\(t.rule)"])
            return nil
        case .send(let sinks, let ack):
            if let ack {
                t.acknowledgedAt = ack.at
                t.ackReason = ack.reason
            }
            guard let sinks else { return immediate() }
            let names = Set(board.names)
            return sinks.filter { names.contains($0) }
        }
    }

    /// Queues the escalations now due (or drops them, saying why). Called once a second with the
    /// lock held.
    func escalate(now: Int64) {
        // Episodes whose resolution was never seen here (silenced, a reload removed the rule).
        if now % 60 == 0, !outbox.episodes.episodes.isEmpty { outbox.episodes.retain(firing: Set(firingEpisodes().keys)) }
        guard let due = outbox.episodes.nextDue, due <= now else { return }
        let firing = firingEpisodes()
        let schedule = MaintenanceSchedule(config.maintenance)
        let silences = checkpoints.silences
        let actions = outbox.episodes.due(now: now) { e in
            guard firing[e.alertID] != nil else { return "no longer firing" }
            if let s = silences.list.covering(rule: e.rule, group: e.group, at: now) { return "silenced by \(s.id)" }
            if let m = schedule.muting(rule: e.rule, group: e.group, at: now) { return "maintenance window \(m.window.name)" }
            return nil
        }
        var queued = false
        for action in actions {
            switch action {
            case .send(let t, let sinks):
                if echoToStderr { StderrAlertEcho.write(t) }
                if outbox.enqueue(t, sinks: sinks, now: now) != nil { queued = true }
                logger.notice("rule \(t.rule) escalated to \(sinks.joined(separator: ", ")): still firing after \(DurationText.format(t.escalatedAfter ?? 0))",
                              metadata: ["rule": "\(t.rule)", "alert_id": "\(t.alertID ?? "")"])
            case .drop(let id, let sinks, let why):
                logger.info("escalation of \(id) to \(sinks.joined(separator: ", ")) not sent: \(why)", metadata: ["alert_id": "\(id)"])
            }
        }
        guard !actions.isEmpty else { return }
        saveCheckpoint(now: now, force: true)
        if queued { doorbell.ring() }
    }

    /// Every firing alert's episode id, with its rule, group and track. Called with the lock held.
    func firingEpisodes() -> [String: (rule: String, group: String?, track: String?)] {
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

    /// `statusd ack`: records the acknowledgement of a firing episode and saves it before answering.
    public func acknowledge(_ request: AckRequest) throws(AckFailure) -> AckReport {
        try lock.withLock { () -> Result<AckReport, AckFailure> in
            let now = clock()
            let firing = firingEpisodes()
            let found = firing[request.alertID]
            let episode: AlertEpisodes.Episode
            do {
                episode = try outbox.episodes.acknowledge(request.alertID, reason: request.reason, firing: found != nil,
                                                          rule: found?.rule ?? "", group: found?.group, track: found?.track ?? nil, now: now)
            } catch let e as AckError {
                return .failure(.refused(e))
            } catch {
                return .failure(.notSaved("\(error)"))
            }
            saveCheckpoint(now: now, force: true)
            if checkpointFailing { return .failure(.notSaved("the state file cannot be written")) }
            let stopped = episode.waiting.map(\.sink)
            let said = "alert \(SafeText.field(request.alertID)) acknowledged\(episode.ack?.reason.map { ": " + SafeText.field($0) } ?? "")"
                + (stopped.isEmpty ? "" : "; escalation to \(stopped.joined(separator: ", ")) stopped")
            logger.notice("\(said)", metadata: ["rule": "\(episode.rule)", "alert_id": "\(episode.alertID)"])
            return .success(AckReport(episode))
        }.get()
    }

    /// The maintenance window muting `t` now, as a silence (so it is recorded as silences are:
    /// its resolved notice stays quiet too).
    func maintenanceSilence(for t: AlertTransition, now: Int64) -> Silence? {
        guard !config.maintenance.isEmpty,
              let m = MaintenanceSchedule(config.maintenance).muting(rule: t.rule, group: t.group, at: now) else { return nil }
        return Silence(id: "maintenance:\(m.window.name)", rule: t.rule, group: t.group, until: m.until,
                       reason: "maintenance window \(m.window.name) (\(m.window.every) \(m.window.zone.name))", createdAt: now)
    }

    /// Status: each alert's episode id, acknowledgement, waiting escalations and maintenance.
    func annotate(_ rules: inout [RuleReport], now: Int64) {
        let schedule = MaintenanceSchedule(config.maintenance)
        for (i, r) in monitor.rules.enumerated() where rules.indices.contains(i) {
            var k = 0
            for s in r.series {
                for t in s.tracks {
                    defer { k += 1 }
                    guard var a = rules[i].alerts?[k] else { continue }
                    if t.state.phase == .firing, let fired = t.state.firedAt {
                        let id = AlertTransition.alertID(rule: r.rule.name, group: s.group, track: t.name, firedAt: fired)
                        a.alertID = id
                        if let e = outbox.episodes.episode(id) {
                            a.acknowledgedAt = e.ack.map { CivilTime.iso8601($0.at) }
                            a.ackReason = e.ack?.reason
                            if !e.waiting.isEmpty, e.ack == nil {
                                a.escalation = e.waiting.map(\.sink)
                                a.escalationDueAt = e.waiting.map(\.due).min().map(CivilTime.iso8601)
                            }
                        }
                    }
                    if let m = schedule.muting(rule: r.rule.name, group: s.group, at: now) {
                        a.maintenance = m.window.name
                        a.silenced = true
                    }
                    rules[i].alerts?[k] = a
                }
            }
        }
    }
}
