import Foundation
import Logging
import Testing
import StatusdCore
@testable import StatusdDaemon

@Suite("the state file")
struct CheckpointStoreTests {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "statusd-cp-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func sample() -> Checkpoint {
        let input = InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])
        let rule = Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 60, minRequests: 1)
        var monitor = Monitor(inputs: [input], rules: [rule], clock: .lines)
        for s in Int64(1000)..<1010 { monitor.accept(.entry(status: StatusCode(502)!, time: s), input: 0, arrival: s) }
        var outbox = Outbox()
        for t in monitor.takeTransitions() where t.kind.notifies { outbox.enqueue(t, sinks: ["journal"], now: 1010) }
        let file = FileCheckpoint(input: "web", path: "/var/log/nginx/access.log", device: 1, inode: 2, offset: 1234, fingerprint: .empty)
        return Checkpoint(savedAt: 1010, monitor: monitor.snapshot(), files: [file], outbox: outbox)
    }

    @Test("what is saved loads back: offsets, counts, alert states, the evaluation point and the outbox")
    func roundTrip() throws {
        let dir = try tempDir()
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        let cp = sample()
        #expect(cp.outbox?.entries.count == 1, "the firing is queued")
        try store.save(cp)
        let back = try #require(store.load(now: 2000))
        #expect(back.files == cp.files)
        #expect(back.alerts["server-errors"]?.phase == .firing)
        #expect(back.evaluatedThrough == 1008)
        #expect(back.outbox == cp.outbox)
        #expect(back.inputs["web"]?.codes["502"] == 10)
        #expect(!FileManager.default.fileExists(atPath: dir + "/state.json.tmp"), "no temp file left")
    }

    @Test("what the monitor's snapshot holds beside the counts survives the state file: seasonal hours, held SLO pairs, journal cursors")
    func snapshotExtrasRoundTrip() throws {
        let dir = try tempDir()
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        var cp = sample()
        var hours = TieredCounts(hourlySpan: 170 * 3600)
        hours.ingest(1000, total: 40, matched: 3)
        var snapshot = cp.monitor
        snapshot.seasonal = ["spike": hours.snapshot]
        snapshot.held = ["slo/page": 2]
        cp = Checkpoint(savedAt: cp.savedAt, monitor: snapshot, files: cp.files, outbox: cp.outbox ?? Outbox())
        cp.journalCursors = ["nginx": "s=abc;i=1"]
        try store.save(cp)
        let back = try #require(store.load(now: 2000))
        #expect(back.monitor.seasonal == ["spike": hours.snapshot])
        #expect(back.monitor.held == ["slo/page": 2])
        #expect(back.journalCursors == ["nginx": "s=abc;i=1"])
    }

    @Test("an unreadable state file is set aside, not crashed on")
    func corrupt() throws {
        let dir = try tempDir()
        try Data("{\"version\": 2, \"saved_at\": ".utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        #expect(store.load(now: 77) == nil)
        #expect(FileManager.default.fileExists(atPath: dir + "/state.json.corrupt-77"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/state.json"))
    }

    @Test("each save keeps the file it replaces as state.json.prev; a corrupt newest falls back to it and says so")
    func previousGeneration() throws {
        let dir = try tempDir()
        let store = CheckpointStore(directory: dir, logger: Logger(label: "test"))
        var first = sample()
        first.savedAt = 1010
        try store.save(first)
        #expect(!FileManager.default.fileExists(atPath: dir + "/state.json.prev"), "nothing to keep before the first save")
        var second = sample()
        second.savedAt = 1011
        second.files[0].offset = 5678
        try store.save(second)
        try #require(FileManager.default.fileExists(atPath: dir + "/state.json.prev"))
        #expect(store.load(now: 3000)?.savedAt == 1011 && store.loadProblem == nil)
        // The newest is damaged: the previous generation, with its own offsets, is resumed.
        try Data("{\"inputs\":{\"web\"".utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        let back = try #require(store.load(now: 3001))
        #expect(back.savedAt == 1010 && back.files[0].offset == 1234)
        #expect(store.loadProblem?.fellBackTo == 1010)
        #expect(FileManager.default.fileExists(atPath: dir + "/state.json.corrupt-3001"))
        // A state.json removed on purpose means start afresh, not the previous generation.
        try store.save(second)
        try FileManager.default.removeItem(atPath: dir + "/state.json")
        #expect(store.load(now: 3002) == nil && store.loadProblem == nil)
    }

    @Test("a version 1 state file (before the outbox) still loads")
    func versionOne() throws {
        let dir = try tempDir()
        let v1 = """
        {"version":1,"saved_at":5,"inputs":{"web":{"codes":{"200":3},"unparsed":0,"ignored":0,"too_late":0,"out_of_range":0,"buckets":[[5,200,3]]}},
         "files":[],"alerts":{"server-errors":{"phase":"firing","since":4,"firedAt":4,"peakRate":0.5}}}
        """
        try Data(v1.utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        let back = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 6))
        #expect(back.alerts["server-errors"]?.phase == .firing)
        #expect(back.alerts["server-errors"]?.sequence == 1, "a firing episode from before numbering has sent its firing")
        #expect(back.outbox == nil && back.evaluatedThrough == nil)
    }

    @Test("the streamed state file reads back exactly as JSONEncoder's would: many inputs, escaped names, long-window tiers")
    func streamedEqualsEncoder() throws {
        let names = (0..<40).map { "site\($0)" } + ["we\"b\\x", "tab\there", "é"]
        let inputs = names.map { InputConfig(name: $0, paths: ["/var/log/\($0).log"]) }
        let rules = [
            Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 600, minRequests: 1),
            Rule(name: "availability", match: try! StatusSet.parse(["5xx"]).get(), condition: .slo(SLOCondition(objective: 0.999))),
        ]
        var monitor = Monitor(inputs: inputs, rules: rules, clock: .lines)
        for s in Int64(100_000)..<100_700 {
            for i in inputs.indices {
                monitor.accept(.entry(status: StatusCode(s % 37 == 0 ? 502 : (s % 5 == 0 ? 404 : 200))!, time: s), input: i, arrival: s)
            }
            monitor.accept(.unparsed, input: 0, arrival: s)
        }
        var outbox = Outbox()
        for t in monitor.takeTransitions() where t.kind.notifies { outbox.enqueue(t, sinks: ["journal"], now: 100_700) }
        let cp = Checkpoint(savedAt: 100_700, monitor: monitor.snapshot(), files: [], outbox: outbox)
        #expect(cp.long != nil, "the SLO keeps long-window tiers")

        let dir = try tempDir()
        try CheckpointStore(directory: dir, logger: Logger(label: "test")).save(cp)
        let streamed = try Data(contentsOf: URL(fileURLWithPath: dir + "/state.json"))
        #expect(streamed.count > CheckpointWriter.bufferBytes, "the file was written in several pieces")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let viaEncoder = try JSONDecoder().decode(Checkpoint.self, from: encoder.encode(cp))
        let back = try JSONDecoder().decode(Checkpoint.self, from: streamed)
        #expect(back.inputs == viaEncoder.inputs && back.inputs == cp.inputs)
        #expect(back.inputs["we\"b\\x"]?.codes["502"] == cp.inputs["we\"b\\x"]?.codes["502"])
        #expect(back.long == viaEncoder.long && back.long == cp.long)
        #expect(back.alerts == cp.alerts && back.outbox == cp.outbox)
        #expect(back.evaluatedThrough == cp.evaluatedThrough && back.clock == cp.clock && back.savedAt == cp.savedAt)
        #expect(back.version == Checkpoint.currentVersion)
        // The restored monitor counts the same window as the one saved.
        var restored = Monitor(inputs: inputs, rules: rules, clock: .lines)
        restored.restore(back.monitor)
        #expect(restored.snapshot() == monitor.snapshot())
    }
}
