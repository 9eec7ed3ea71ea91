import Foundation
import ServiceLifecycleTestKit
import StatusdCore
import Synchronization
import Testing
@testable import StatusdDaemon

/// An outbox without a pipeline: what `DeliveryService` sees through `OutboxPort`.
private final class FakeOutbox: OutboxPort {
    let box = Mutex(Outbox())
    let acknowledgements = Mutex<[[UInt64]]>([])

    func queuedEntries(for sink: String) -> [Outbox.Entry] {
        box.withLock { $0.entries.filter { $0.pending.contains(sink) } }
    }

    func acknowledge(_ seqs: [UInt64], sink: String) {
        box.withLock { b in for s in seqs { b.acknowledge(s, sink: sink) } }
        acknowledgements.withLock { $0.append(seqs) }
    }

    func acknowledge(_ seqs: [UInt64], sink: String, standing transitions: [AlertTransition]) {
        box.withLock { b in
            for s in seqs { b.acknowledge(s, sink: sink) }
            b.standing.record(transitions, sink: sink, now: Int64(Date().timeIntervalSince1970))
        }
        acknowledgements.withLock { $0.append(seqs) }
    }

    func standingAlerts(for sink: String, resolvedFor: Int64) -> [AlertTransition] { [] }

    var isEmpty: Bool { box.withLock { $0.entries.isEmpty } }
}

/// A receiver that answers from a script (then `delivered`), and keeps what it got.
private final class ScriptedSink: AlertSink {
    let name: String
    let type = "webhook"
    private let script: Mutex<[DeliveryOutcome]>
    let received = Mutex<[AlertTransitionKind]>([])
    let attempts = Mutex(0)

    init(name: String, script: [DeliveryOutcome]) {
        self.name = name
        self.script = Mutex(script)
    }

    func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        attempts.withLock { $0 += 1 }
        let outcome = script.withLock { $0.isEmpty ? .delivered : $0.removeFirst() }
        if outcome == .delivered { received.withLock { $0.append(transition.kind) } }
        return outcome
    }
}

@Suite("the delivery service, in process, behind OutboxPort")
struct DeliveryServiceTests {
    func transition(_ kind: AlertTransitionKind) -> AlertTransition {
        let rule = Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 300, severity: .critical)
        return AlertTransition(rule: rule, kind: kind, sum: WindowSum(total: 100, matched: 10), inputs: ["web"], at: 1000,
                               firedAt: 1000, peakRate: 0.1)
    }

    /// Polls `done` every 10 ms, up to `polls` times. Counted in polls, not wall time: the whole
    /// suite runs CPU-bound tests (the scenarios) on the same two cooperative threads, which can
    /// starve this test and the service alike for minutes on a 2-core machine; a wall-clock
    /// deadline then expires before the service had its turn.
    func eventually(polls: Int = 3000, _ done: () -> Bool) async -> Bool {
        for _ in 0..<polls {
            if done() { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return done()
    }

    @Test("a sink that fails (Retry-After) gets firing then resolved, each once; one that refuses drops its own only; the service stops on shutdown")
    func retriesInOrder() async throws {
        let outbox = FakeOutbox()
        let now = Int64(Date().timeIntervalSince1970)
        outbox.box.withLock { b in
            b.enqueue(transition(.firing), sinks: ["flaky", "picky"], now: now)
            b.enqueue(transition(.resolved), sinks: ["flaky", "picky"], now: now)
        }
        let flaky = ScriptedSink(name: "flaky", script: [.retry(reason: "HTTP 503", after: 0.05), .retry(reason: "HTTP 429", after: 0.05)])
        let picky = ScriptedSink(name: "picky", script: [.rejected(reason: "HTTP 400")])
        let board = SinkBoard(sinks: [flaky, picky])
        let doorbell = Doorbell()
        // The service's clock, ten years ahead of the wall's: the board's times are the service's.
        let clock: @Sendable () -> Double = { Date().timeIntervalSince1970 + 315_576_000 }
        let service = DeliveryService(pipeline: outbox, board: board, doorbell: doorbell, logger: .init(label: "test"), maxBackoff: 1,
                                      clock: clock)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            #expect(await eventually { outbox.isEmpty })
            trigger.triggerGracefulShutdown()
            try await run.value
        }
        #expect(flaky.received.withLock { $0 } == [.firing, .resolved])
        #expect(flaky.attempts.withLock { $0 } == 4)
        #expect(picky.received.withLock { $0 } == [.resolved])
        let rows = board.reports(outbox: Outbox())
        #expect(rows.map(\.state) == ["ok", "ok"])
        #expect(rows.map(\.delivered) == [2, 1])
        #expect(rows.map(\.failed) == [0, 1])
        let year = String(CivilTime.iso8601(Int64(clock())).prefix(4))
        #expect(rows.allSatisfy { $0.lastSuccessAt?.hasPrefix(year) == true }, "\(rows.map(\.lastSuccessAt))")
    }

    @Test("a disabled sink keeps its notifications; a reload delivers them")
    func disabledUntilReload() async throws {
        let outbox = FakeOutbox()
        outbox.box.withLock { b in _ = b.enqueue(transition(.firing), sinks: ["gone"], now: Int64(Date().timeIntervalSince1970)) }
        let gone = ScriptedSink(name: "gone", script: [.disable(reason: "HTTP 410")])
        let board = SinkBoard(sinks: [gone])
        let doorbell = Doorbell()
        let service = DeliveryService(pipeline: outbox, board: board, doorbell: doorbell, logger: .init(label: "test"), maxBackoff: 1)
        try await testGracefulShutdown { trigger in
            let run = Task { try await service.run() }
            #expect(await eventually { board.isDisabled("gone") })
            try? await Task.sleep(nanoseconds: 200_000_000)
            #expect(gone.attempts.withLock { $0 } == 1, "nothing more is sent to a disabled sink")
            #expect(!outbox.isEmpty)
            let fixed = ScriptedSink(name: "gone", script: [])
            board.reconfigure(sinks: [fixed])
            doorbell.ring()
            #expect(await eventually { outbox.isEmpty })
            #expect(fixed.received.withLock { $0 } == [.firing])
            trigger.triggerGracefulShutdown()
            try await run.value
        }
    }
}
