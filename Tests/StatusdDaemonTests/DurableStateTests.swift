import Foundation
import Logging
import Testing
import StatusdCore
@testable import StatusdDaemon

/// The small state file (`alerts.json`) and the decided keys that keep a crash's re-read from
/// queueing a notification twice.
@Suite("the small state file")
struct DurableStateTests {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "statusd-durable-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func firing() -> AlertTransition {
        let rule = Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 60, minRequests: 1)
        var monitor = Monitor(inputs: [InputConfig(name: "web", paths: ["/x.log"])], rules: [rule], clock: .lines)
        for s in Int64(1000)..<1010 { monitor.accept(.entry(status: StatusCode(502)!, time: s), input: 0, arrival: s) }
        return monitor.takeTransitions().first { $0.kind == .firing }!
    }

    @Test("the outbox, health board and decided keys load back; no temp file is left")
    func roundTrip() throws {
        let dir = try tempDir()
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        var outbox = Outbox()
        let t = firing()
        _ = outbox.enqueue(t, sinks: ["hook"], now: 1010)
        let decided = [t.idempotencyKey!: t.at]
        try store.saveDurable(DurableState(savedAt: 1010, outbox: outbox, health: HealthBoard(), decided: decided, snapshotAt: 1000))
        let back = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).loadDurable(now: 2000))
        #expect(back.outbox == outbox)
        #expect(back.decided == [t.idempotencyKey!: t.at])
        #expect(back.snapshotAt == 1000)
        #expect(!FileManager.default.fileExists(atPath: dir + "/alerts.json.tmp"))
    }

    @Test("an unreadable small file is set aside and reported; none at all is not a problem")
    func corrupt() throws {
        let dir = try tempDir()
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        #expect(store.loadDurable(now: 5) == nil)
        #expect(store.durableProblem == nil)
        try Data("{\"version\":1,\"saved_at\":".utf8).write(to: URL(fileURLWithPath: dir + "/alerts.json"))
        #expect(store.loadDurable(now: 77) == nil)
        #expect(store.durableProblem?.movedTo == dir + "/alerts.json.corrupt-77")
        #expect(FileManager.default.fileExists(atPath: dir + "/alerts.json.corrupt-77"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/alerts.json"))
    }

    @Test("the snapshot's cadence: 5 minutes, longer for a large state (50 MB a day), at most an hour")
    func cadence() {
        let store = CheckpointStore(directory: "/nonexistent", logger: Logger(label: "test"))
        guard store.fixedInterval == nil else { return }
        store.lastSnapshotBytes = 10_000
        #expect(store.snapshotInterval == 300)
        store.lastSnapshotBytes = 1_156_000
        #expect(store.snapshotInterval == 2000)
        #expect(Int64(store.lastSnapshotBytes) * 86_400 / store.snapshotInterval <= 50_000_000)
        store.lastSnapshotBytes = 100_000_000
        #expect(store.snapshotInterval == 3600)
    }
}
