import Foundation
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import StatusdCore
import Synchronization
import Testing
@testable import StatusdDaemon

/// A sink that keeps what it got (kind and idempotency key).
private final class RecordingSink: AlertSink {
    let name: String
    let type = "webhook"
    let received = Mutex<[(kind: AlertTransitionKind, key: String?)]>([])

    init(name: String) { self.name = name }

    func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        received.withLock { $0.append((transition.kind, transition.idempotencyKey)) }
        return .delivered
    }

    var kinds: [AlertTransitionKind] { received.withLock { $0.map(\.kind) } }
}

/// The driver in process: a real `Pipeline` tailing a file in a temporary directory, with the
/// delivery service beside it in a service group under the service-lifecycle test kit's graceful
/// shutdown. No binary is spawned, no journald is needed (the board has only the test's sink).
@Suite("the pipeline driver and delivery, in process, under a service group")
struct PipelineDriverTests {
    /// Polls `done` every 10 ms, up to `polls` times (counted in polls, not wall time: see
    /// DeliveryServiceTests).
    func eventually(polls: Int = 3000, _ done: () -> Bool) async -> Bool {
        for _ in 0..<polls {
            if done() { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return done()
    }

    /// The wall clock the pipelines see: frozen at the lines' own second, so that however long a
    /// loaded machine takes between the two runs, the alert neither ages nor resolves meanwhile
    /// (the loop then never ticks; lines are evaluated as they are read).
    static let frozen = Int64(Date().timeIntervalSince1970)

    static func lines(_ status: Int, count: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
        let stamp = f.string(from: Date(timeIntervalSince1970: Double(frozen)))
        return String(repeating: "127.0.0.1 - - [\(stamp)] \"GET /x HTTP/1.1\" \(status) 12 \"-\" \"t\"\n", count: count)
    }

    static func append(_ path: String, _ text: String) throws {
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        try h.close()
    }

    /// Runs a pipeline and delivery over `dir` until `body` returns, then shuts them down gracefully.
    fileprivate static func run(_ dir: String, sink: RecordingSink, _ body: @Sendable (Pipeline) async throws -> Void) async throws {
        let config = try ConfigLoader.load(yaml: """
        inputs:
          - {name: web, path: \(dir)/access.log, format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 10%, window: 1m, min_requests: 20, severity: critical}
        status: {socket: \(dir)/s.sock}
        state_dir: \(dir)/state
        """, file: "t.yaml").get()
        let board = SinkBoard(sinks: [sink])
        let doorbell = Doorbell()
        let logger = Logger(label: "test")
        let now = Self.frozen
        let pipeline = Pipeline(config: config, configPath: dir + "/t.yaml", board: board, doorbell: doorbell, echoToStderr: false, logger: logger,
                                clock: { now }, wallClock: { Double(now) + 0.5 })
        let delivery = DeliveryService(pipeline: pipeline, board: board, doorbell: doorbell, logger: logger, maxBackoff: 1)
        try await testGracefulShutdown { trigger in
            let group = ServiceGroup(services: [PipelineService(pipeline: pipeline), delivery], logger: logger)
            let running = Task { try await group.run() }
            try await body(pipeline)
            trigger.triggerGracefulShutdown()
            try await running.value
        }
    }

    @Test("lines in, a firing delivered once and saved as delivered; after a restart nothing is sent again and the counts go on")
    func firesOnceAcrossRestart() async throws {
        let dir = NSTemporaryDirectory() + "statusd-driver-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/access.log", contents: nil)
        let sink = RecordingSink(name: "hook")
        try await Self.run(dir, sink: sink) { pipeline in
            // The file is opened at its end before lines come.
            #expect(await eventually { pipeline.report(version: "t").inputs.first?.files.isEmpty == false })
            try Self.append(dir + "/access.log", Self.lines(200, count: 40) + Self.lines(502, count: 60))
            #expect(await eventually { sink.kinds == [.firing] })
            #expect(await eventually { pipeline.queuedEntries(for: "hook").isEmpty })
            let report = pipeline.report(version: "t")
            #expect(report.inputs.first?.lines == 100)
            #expect(report.rules.first?.state == .firing)
        }
        // Shut down cleanly: the snapshot and the small file are there, nothing left to send.
        #expect(FileManager.default.fileExists(atPath: dir + "/state/state.json"))
        let durable = try #require(CheckpointStore(directory: dir + "/state", logger: Logger(label: "test")).loadDurable(now: 0))
        #expect(durable.outbox.entries.isEmpty)

        let again = RecordingSink(name: "hook")
        try await Self.run(dir, sink: again) { pipeline in
            #expect(await eventually { pipeline.report(version: "t").inputs.first?.files.isEmpty == false })
            #expect(pipeline.report(version: "t").rules.first?.state == .firing, "the alert state came back")
            try Self.append(dir + "/access.log", Self.lines(502, count: 10))
            #expect(await eventually { pipeline.report(version: "t").inputs.first?.lines == 110 })
        }
        #expect(again.kinds.isEmpty, "not paged again: \(again.kinds)")
    }
}
