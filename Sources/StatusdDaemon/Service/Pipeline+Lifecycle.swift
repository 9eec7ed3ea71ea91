import Logging
import StatusdCore

/// `statusd ack` and what status shows of episodes: the decisions are the engine's
/// (`AlertEngine+Lifecycle`); this saves them before answering.
extension Pipeline {
    /// `statusd ack`: records the acknowledgement of a firing episode and saves it before answering.
    package func acknowledge(_ request: AckRequest) throws(AckFailure) -> AckReport {
        try driver.withLock { $0.acknowledge(request) }.get()
    }
}

extension PipelineDriver {
    func acknowledge(_ request: AckRequest) -> Result<AckReport, AckFailure> {
        do {
            let now = clock()
            let answer: (episode: AlertEpisodes.Episode, actions: [EngineAction])
            do throws(AckError) {
                answer = try engine.acknowledge(request, now: now)
            } catch {
                return .failure(.refused(error))
            }
            guard perform(answer.actions, now: now) else { return .failure(.notSaved("the state file cannot be written")) }
            return .success(AckReport(answer.episode))
        }
    }

    /// Status: each alert's episode id, acknowledgement, waiting escalations and maintenance.
    func annotate(_ rules: inout [RuleReport], now: Int64) {
        let schedule = engine.schedule
        for (i, r) in engine.monitor.rules.enumerated() where rules.indices.contains(i) {
            var k = 0
            for s in r.series {
                for t in s.tracks {
                    defer { k += 1 }
                    guard var a = rules[i].alerts?[k] else { continue }
                    if t.state.phase == .firing, let fired = t.state.firedAt {
                        let id = AlertTransition.alertID(rule: r.rule.name, group: s.group, track: t.name, firedAt: fired)
                        a.alertID = id
                        if let e = engine.outbox.episodes.episode(id) {
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
