import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("statusd's own health: degradations listed, paged once after alert_after, resolved once")
struct HealthBoardTests {
    let config = HealthConfig(alertAfterSeconds: 300, eventsForSeconds: 3600)

    func full(_ since: Int64) -> Degradation {
        Degradation(kind: .stateNotWritable, subject: "/var/lib/statusd/state.json", detail: "No space left on device", since: since)
    }

    @Test("a condition keeps its first since; it fires once after alert_after and resolves once when it ends")
    func condition() {
        var board = HealthBoard()
        #expect(board.update(observed: [full(1000)], now: 1000, config: config, working: ["journal", "chat"]).isEmpty)
        #expect(board.degradations.map(\.since) == [1000])
        // Observed again later (the shell says "since now"): the first since stays.
        #expect(board.update(observed: [full(1200)], now: 1299, config: config, working: ["journal", "chat"]).isEmpty)
        #expect(board.degradations.first?.since == 1000)
        let fired = board.update(observed: [full(1300)], now: 1300, config: config, working: ["journal", "chat"])
        #expect(fired.count == 1)
        guard case .fire(let d, let at, let sinks)? = fired.first else { Issue.record("no firing"); return }
        #expect(d.kind == .stateNotWritable && at == 1300 && sinks == ["journal", "chat"])
        let t = fired[0].transition
        #expect(t.kind == .firing && t.rule == "statusd-health" && t.sequence == 1)
        #expect(t.alertID == "statusd-health[state_not_writable:/var/lib/statusd/state.json]@1000")
        #expect(AlertMessage.render(t).contains("No space left on device"))
        // Still holding: nothing more.
        #expect(board.update(observed: [full(1400)], now: 1400, config: config, working: ["journal"]).isEmpty)
        // Ends: one resolved, to the sinks that had the firing, same episode.
        let resolved = board.update(observed: [], now: 1500, config: config, working: ["journal"])
        #expect(resolved.count == 1)
        guard case .resolve(_, let firedAt, let endedAt, let to)? = resolved.first else { Issue.record("no resolved"); return }
        #expect(firedAt == 1300 && endedAt == 1500 && to == ["journal", "chat"])
        #expect(resolved[0].transition.alertID == t.alertID && resolved[0].transition.sequence == 2)
        #expect(board.degradations.isEmpty)
        #expect(board.update(observed: [], now: 1600, config: config, working: ["journal"]).isEmpty)
    }

    @Test("a degradation shorter than alert_after is listed but never paged")
    func shortLived() {
        var board = HealthBoard()
        _ = board.update(observed: [full(1000)], now: 1000, config: config, working: ["journal"])
        #expect(board.degradations.count == 1)
        #expect(board.update(observed: [], now: 1299, config: config, working: ["journal"]).isEmpty)
        #expect(board.degradations.isEmpty)
    }

    @Test("a sink's own trouble is not sent through it; with no sink working the firing waits")
    func sinkTrouble() {
        var board = HealthBoard()
        let retrying = Degradation(kind: .sinkRetrying, subject: "chat", detail: "HTTP 429", since: 0, nextAttemptAt: 3600, oldestQueuedAt: 0)
        let a = board.update(observed: [retrying], now: 400, config: config, working: ["journal", "chat"])
        #expect(a.first?.sinks == ["journal"])
        var lonely = HealthBoard()
        #expect(lonely.update(observed: [retrying], now: 400, config: config, working: ["chat"]).isEmpty)
        #expect(lonely.update(observed: [retrying], now: 401, config: config, working: ["chat", "journal"]).first?.sinks == ["journal"])
    }

    @Test("a one-off event stays listed for events_for after its latest occurrence, then resolves")
    func events() {
        var board = HealthBoard()
        let short = HealthConfig(alertAfterSeconds: 10, eventsForSeconds: 60)
        board.record(Degradation(kind: .stateCorrupt, detail: "reset", since: 100))
        #expect(board.update(observed: [], now: 100, config: short, working: ["journal"]).isEmpty)
        #expect(board.update(observed: [], now: 110, config: short, working: ["journal"]).count == 1)
        board.record(Degradation(kind: .stateCorrupt, detail: "again", since: 150))
        #expect(board.degradations.first?.since == 100 && board.degradations.first?.detail == "again")
        #expect(board.update(observed: [], now: 209, config: short, working: ["journal"]).isEmpty)
        let end = board.update(observed: [], now: 210, config: short, working: ["journal"])
        #expect(end.count == 1 && end.first?.transition.kind == .resolved)
    }

    @Test("a restart keeps what was paged: no second firing, and the resolved notice still comes")
    func restart() throws {
        var board = HealthBoard()
        _ = board.update(observed: [full(0)], now: 0, config: config, working: ["journal"])
        #expect(board.update(observed: [full(0)], now: 300, config: config, working: ["journal"]).count == 1)
        let saved = try JSONDecoder().decode(HealthBoard.self, from: JSONEncoder().encode(board))
        var after = HealthBoard()
        after.restore(saved)
        #expect(after.update(observed: [full(400)], now: 400, config: config, working: ["journal"]).isEmpty)
        #expect(after.update(observed: [full(400)], now: 800, config: config, working: ["journal"]).isEmpty)
        let end = after.update(observed: [], now: 900, config: config, working: ["journal"])
        #expect(end.count == 1 && end.first?.transition.kind == .resolved)
    }

    @Test("status: DEGRADED headline, exit code 1, the health entry; metrics carry a gauge per cause")
    func report() {
        var report = StatusReport(version: "t", pid: 1, startedAt: "", uptimeSeconds: 1, config: "c", configLoadedAt: "",
                                  lastReloadError: nil, inputs: [], rules: [])
        report.health = HealthReport([], alertAfterSeconds: 300, now: 0)
        #expect(report.exitCode == 0 && report.renderText().contains(": OK,"))
        report.health = HealthReport([Degradation(kind: .sinkRetrying, subject: "chat", detail: "HTTP 429", since: 100,
                                                  nextAttemptAt: 3700, oldestQueuedAt: 90)],
                                     alertAfterSeconds: 300, now: 160)
        #expect(report.exitCode == 1)
        let text = report.renderText()
        #expect(text.contains(": DEGRADED,"))
        #expect(text.contains("sink_retrying chat since"))
        #expect(text.contains("oldest queued 1m10s ago"))
        let d = report.health!.degradations[0]
        #expect(d.seconds == 60 && d.oldestQueuedSeconds == 70 && d.nextAttemptAt != nil)
        let samples = report.metricSamples().filter { $0.family == .degraded }
        #expect(samples.count == DegradationKind.all.count)
        #expect(samples.filter { $0.value == .gauge(1) }.map(\.labelValues) == [["sink_retrying"]])
    }

    @Test("a new kind is one static let: listed, sorted after the known ones, exported")
    func openKind() {
        let waiting = DegradationKind("files_waiting")
        var board = HealthBoard()
        _ = board.update(observed: [Degradation(kind: waiting, detail: "3 files wait for a descriptor", since: 0),
                                    Degradation(kind: .reloadFailed, detail: "x", since: 0)],
                         now: 0, config: config, working: [])
        #expect(board.degradations.map(\.kind) == [.reloadFailed, waiting])
        var report = StatusReport(version: "t", pid: 1, startedAt: "", uptimeSeconds: 1, config: "c", configLoadedAt: "",
                                  lastReloadError: nil, inputs: [], rules: [])
        report.health = HealthReport(board.degradations, alertAfterSeconds: 300, now: 0)
        #expect(report.metricSamples().contains { $0.family == .degraded && $0.labelValues == ["files_waiting"] })
    }
}
