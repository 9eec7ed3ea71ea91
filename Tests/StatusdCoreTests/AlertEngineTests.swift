import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdConfig

/// The engine's decisions in process, with plain values: lines in, actions out. No files, no
/// threads, no clock: each test runs in milliseconds.
@Suite("the engine: events in, actions out")
struct AlertEngineTests {
    static let yaml = """
    inputs:
      - {name: web, path: /var/log/w.log}
    rules:
      - {name: server-errors, match: 5xx, rate_above: 5%, window: 60s, sinks: [chat, {sink: pager, after: 15m}]}
    sinks:
      - {name: chat, type: slack, url: "https://hooks.slack.com/services/x"}
      - {name: pager, type: webhook, url: "https://pager.example/hook"}
    health:
      alert_after: 60s
    """

    static func engine(_ yaml: String = yaml) throws -> AlertEngine {
        let config = try ConfigLoader.load(yaml: yaml, file: "engine.yaml").get()
        return AlertEngine(config: config, routes: SinkRoutes(config: config))
    }

    /// What one run of traffic made the engine ask for, second by second.
    struct Run {
        var actions: [EngineAction] = []
        var queued: [AlertTransition] {
            actions.compactMap { if case .queued(let t) = $0 { t } else { nil } }
        }
        func queued(_ kind: AlertTransitionKind) -> [AlertTransition] { queued.filter { $0.kind == kind } }
    }

    /// `perSecond` lines a second from `from` to `to` (exclusive), `errors` of them 502, as the
    /// driver hands them over: lines, then the second's tick.
    static func traffic(_ e: inout AlertEngine, from: Int64, to: Int64, perSecond: Int = 10, errors: Int,
                        run: inout Run, tick: Bool = true) {
        for s in from..<to {
            for k in 0..<perSecond {
                e.monitor.accept(.entry(status: StatusCode(k < errors ? 502 : 200)!, time: s), input: 0, arrival: s)
            }
            e.monitor.evaluateOpenSecond()
            run.actions += e.collect(now: s)
            e.monitor.advance(wallClock: s + 1)
            _ = e.monitor.evaluateOpenSecond()
            run.actions += e.collect(now: s + 1)
            if tick { run.actions += e.tick(now: s + 1) }
        }
    }

    @Test("an outage: one firing and one resolved queued, each saved before delivery is woken")
    func outage() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_300, errors: 0, run: &run)
        #expect(run.queued.isEmpty)
        Self.traffic(&e, from: 1_300, to: 1_600, errors: 5, run: &run)
        Self.traffic(&e, from: 1_600, to: 2_400, errors: 0, run: &run)
        let firing = run.queued(.firing), resolved = run.queued(.resolved)
        #expect(firing.count == 1 && resolved.count == 1, "\(run.queued.map(\.kind))")
        // Saved, then woken: never a wake without the save before it.
        for (i, a) in run.actions.enumerated() where a == .wakeDelivery {
            #expect(run.actions[..<i].last(where: { $0 == .saveState || $0 == .wakeDelivery }) == .saveState)
        }
        // A 5-minute outage never reaches the pager (after 15m); journald and chat get both.
        let sinks = e.outbox.entries.map { Set($0.pending) }
        #expect(sinks == [["journal", "chat"], ["journal", "chat"]])
    }

    @Test("still firing after 15 minutes: the pager gets it once, from the tick, and the resolved notice too")
    func escalation() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_100, errors: 0, run: &run)
        Self.traffic(&e, from: 1_100, to: 2_300, errors: 5, run: &run)
        let escalated = run.queued(.firing).filter { $0.escalatedAfter != nil }
        #expect(escalated.count == 1 && escalated.first?.escalatedAfter == 900)
        #expect(e.outbox.entries.filter { $0.pending == ["pager"] }.count == 1)
        #expect(run.actions.contains(.log(EngineLog(.notice, "rule server-errors escalated to pager: still firing after 15m",
                                                    ["rule": "server-errors", "alert_id": escalated.first?.alertID ?? ""]))))
        Self.traffic(&e, from: 2_300, to: 3_000, errors: 0, run: &run)
        let resolved = e.outbox.entries.filter { $0.transition.kind == .resolved }
        #expect(resolved.count == 1 && Set(resolved[0].pending) == ["journal", "chat", "pager"])
    }

    @Test("acknowledged: the escalation is dropped, the state saved before the answer")
    func acknowledged() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_100, errors: 0, run: &run)
        Self.traffic(&e, from: 1_100, to: 1_300, errors: 5, run: &run)
        let id = try #require(e.firingEpisodes().keys.first)
        let answer = try e.acknowledge(AckRequest(alertID: id, reason: "on it"), now: 1_300)
        #expect(answer.actions.first == .saveState && answer.episode.ack?.reason == "on it")
        #expect(throws: AckError.already(id)) { try e.acknowledge(AckRequest(alertID: id, reason: nil), now: 1_301) }
        run = Run()
        Self.traffic(&e, from: 1_300, to: 2_300, errors: 5, run: &run)
        #expect(run.queued(.firing).filter { $0.escalatedAfter != nil }.isEmpty)
        #expect(!e.outbox.entries.contains { $0.pending.contains("pager") })
    }

    @Test("silenced: nothing queued for the episode, not even its resolved notice; the silences file is asked for")
    func silenced() throws {
        var e = try Self.engine()
        let added = try e.addSilence(SilenceRequest(rule: "server-errors", group: nil, forSeconds: 3_600, reason: "deploy"), id: "s1", now: 1_000)
        #expect(added.actions.first == .saveSilences && added.silence.id == "s1")
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_300, errors: 5, run: &run)
        Self.traffic(&e, from: 1_300, to: 2_000, errors: 0, run: &run)
        #expect(run.queued.isEmpty && e.outbox.entries.isEmpty)
        #expect(run.actions.contains(.saveSilences), "the silenced episode is recorded")
        #expect(e.removeSilence(id: "s1", now: 2_000).silence?.id == "s1")
        let again = e.removeSilence(id: "s1", now: 2_001)
        #expect(again.silence == nil && again.actions.isEmpty && e.listedSilences(now: 2_001).isEmpty)
    }

    @Test("after a crash: a transition decided before it, re-derived from the logs, is not queued again")
    func decidedOnce() throws {
        var first = try Self.engine()
        var run = Run()
        Self.traffic(&first, from: 1_000, to: 1_300, errors: 5, run: &run)
        #expect(run.queued(.firing).count == 1)
        // The crash: a fresh engine with only the small file's decided keys re-reads the same lines.
        var again = try Self.engine()
        again.decided = first.decided
        var rerun = Run()
        Self.traffic(&again, from: 1_000, to: 1_300, errors: 5, run: &rerun)
        #expect(rerun.queued.isEmpty)
        #expect(rerun.actions.contains { if case .log(let l) = $0 { l.message.contains("already decided") } else { false } })
        // A snapshot evaluated past them: the keys are no longer needed.
        again.snapshotSaved(evaluatedThrough: 1_300)
        #expect(again.decided.isEmpty)
    }

    @Test("a key is decided once; keys at or before a snapshot's evaluation point are forgotten")
    func decidedKeys() throws {
        var e = try Self.engine()
        let first = e.decide("r@100/1", at: 100), again = e.decide("r@100/1", at: 100), other = e.decide("r@100/2", at: 160)
        #expect(first && !again && other, "re-derived after a crash: already decided")
        e.snapshotSaved(evaluatedThrough: 120)
        #expect(e.decided == ["r@100/2": 160])
        e.snapshotSaved(evaluatedThrough: nil)
        #expect(e.decided.count == 1, "no evaluation point: nothing is known to be covered")
    }

    @Test("delivered: the sink's notification leaves the outbox and the state is saved; standing alerts are kept")
    func acknowledgedBySink() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_300, errors: 5, run: &run)
        let entry = try #require(e.queuedEntries(for: "chat").first)
        #expect(e.acknowledged([entry.seq], sink: "chat", now: 1_300) == [.saveState])
        #expect(e.queuedEntries(for: "chat").isEmpty && e.queuedEntries(for: "journal").count == 1)
        _ = e.acknowledged([entry.seq], sink: "journal", standing: [entry.transition], now: 1_300)
        #expect(e.standingAlerts(for: "journal", resolvedFor: 300, now: 1_400).due.map(\.alertID) == [entry.transition.alertID])
    }

    @Test("a notification no sink took in a day is given up on, and the sink is marked")
    func expiry() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_300, errors: 5, run: &run)
        let actions = e.tick(now: 1_300 + AlertEngine.maxAgeSeconds + 1)
        #expect(actions.contains(.sinkGaveUp(sink: "chat", error: "gave up after 1d")))
        // Only the pager's escalation, due meanwhile and queued by the same tick, is left.
        #expect(actions.contains(.saveState) && e.outbox.entries.map(\.pending) == [["pager"]])
    }

    @Test("statusd's own trouble lasting alert_after pages the working sinks once, and resolves once")
    func health() throws {
        var e = try Self.engine()
        let stuck = Degradation(kind: .reloadFailed, detail: "bad config", since: 1_000)
        let observed = AlertEngine.Observations(conditions: [stuck], working: ["journal", "chat"])
        #expect(e.checkHealth(now: 1_030, observed: observed).isEmpty)
        let fired = e.checkHealth(now: 1_060, observed: observed)
        #expect(fired.contains(.saveState) && fired.last == .wakeDelivery)
        #expect(e.outbox.entries.count == 1 && Set(e.outbox.entries[0].pending) == ["journal", "chat"])
        #expect(e.checkHealth(now: 1_061, observed: observed).isEmpty, "paged once")
        #expect(e.firingAlertIDs().count == 1)
        let ended = e.checkHealth(now: 1_100, observed: .init(working: ["journal", "chat"]))
        #expect(ended.contains(.wakeDelivery) && e.outbox.entries.last?.transition.kind == .resolved)
        #expect(e.firingAlertIDs().isEmpty)
    }

    @Test("a reload keeps the alert's state and drops notifications for a sink that is gone")
    func reload() throws {
        var e = try Self.engine()
        var run = Run()
        Self.traffic(&e, from: 1_000, to: 1_300, errors: 5, run: &run)
        let firing = e.firingEpisodes().keys.sorted()
        let smaller = Self.yaml.replacingOccurrences(of: "chat, {sink: pager, after: 15m}", with: "{sink: pager, after: 15m}")
            .replacingOccurrences(of: "  - {name: chat, type: slack, url: \"https://hooks.slack.com/services/x\"}\n", with: "")
        let config = try ConfigLoader.load(yaml: smaller, file: "engine.yaml").get()
        #expect(e.reload(config, routes: SinkRoutes(config: config)) == [.saveState])
        #expect(e.firingEpisodes().keys.sorted() == firing)
        #expect(e.queuedEntries(for: "chat").isEmpty && e.queuedEntries(for: "journal").count == 1)
    }
}
