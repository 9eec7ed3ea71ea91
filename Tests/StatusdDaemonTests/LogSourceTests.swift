import Foundation
import Logging
import Synchronization
import Testing
import StatusdCore
@testable import StatusdDaemon
#if canImport(Glibc)
import Glibc
#endif

/// A source of the test's own behind `LogSource`: lines the test offers are decoded with the
/// input's format into the pipeline's monitor when the loop reads it (woken through a pipe it
/// gives the loop to poll, as inotify or a socket would). Its position is how many lines it
/// handed on.
final class FakeSource: LogSource, @unchecked Sendable {
    let kind = SourceKind("test")
    let input: String
    /// Lines offered by the test thread, not read yet.
    private let offered = Mutex<[String]>([])
    private var pipeFDs: [Int32] = [-1, -1]
    private var decoder: FileDecoder?
    private var inputIndex = 0
    /// Lines handed to the pipeline (its position).
    private(set) var consumed: UInt64 = 0
    private(set) var generation: UInt64 = 0
    /// What `restore` was handed; read by the test after the pipeline stopped.
    private(set) var restored: SourcePosition?
    private(set) var restoredSeen: Set<String> = []
    private(set) var closed = false
    private(set) var configureCalls = 0
    /// What the test says keeps the source from reading now.
    let trouble = Mutex<[(subject: String, detail: String)]>([])
    var unreadable: [(subject: String, detail: String)] { trouble.withLock { $0 } }

    init(input: String) {
        self.input = input
        _ = pipe(&pipeFDs)
        for fd in pipeFDs { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    /// From the test thread: lines to read, and a byte in the pipe to wake the loop.
    func offer(_ lines: [String]) {
        offered.withLock { $0 += lines }
        var byte: UInt8 = 1
        _ = write(pipeFDs[1], &byte, 1)
    }

    func configure(_ inputs: [InputConfig], into sink: inout Monitor, now: Int64) {
        configureCalls += 1
        guard let index = inputs.firstIndex(where: { $0.name == input }) else { decoder = nil; return }
        let c = inputs[index]
        inputIndex = index
        if decoder == nil { decoder = FileDecoder(format: c.format, options: c.formatOptions, maxLineBytes: c.maxLineBytes) }
    }

    func read(into sink: inout Monitor, now: Int64) {
        var drain = [UInt8](repeating: 0, count: 64)
        while Glibc.read(pipeFDs[0], &drain, drain.count) > 0 {}
        let lines = offered.withLock { q in defer { q.removeAll() }; return q }
        guard var decoder, !lines.isEmpty else { return }
        for line in lines {
            let bytes = Array((line + "\n").utf8)
            bytes.withUnsafeBytes { _ = decoder.decode($0, input: inputIndex, arrival: now, into: &sink) }
            consumed += 1
        }
        self.decoder = decoder
        generation &+= 1
    }

    func tick(into sink: inout Monitor, now: Int64, fullScan: Bool) { read(into: &sink, now: now) }

    var pollDescriptors: [Int32] { closed ? [] : [pipeFDs[0]] }
    var keepsUnread: Bool { true }
    var bytesBehind: UInt64 { 0 }

    func reports(for input: String) -> [FileReport] {
        guard input == self.input else { return [] }
        var r = FileReport(path: "fake:" + input, state: "reading", offset: consumed, size: consumed)
        r.source = kind.rawValue
        return [r]
    }

    var position: SourcePosition { SourcePosition(cursors: [input: "line \(consumed)"]) }

    func restore(_ position: SourcePosition, seenInputs: Set<String>, savedAt: Int64) {
        restored = position
        restoredSeen = seenInputs
        if let c = position.cursors?[input], let n = UInt64(c.dropFirst(5)) { consumed = n }
    }

    func shutDown() {
        closed = true
        for fd in pipeFDs where fd >= 0 { Glibc.close(fd) }
        pipeFDs = [-1, -1]
    }
}

@Suite("sources behind LogSource: the pipeline's loop, its state file")
struct LogSourceTests {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "statusd-src-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func config(stateDir: String) -> StatusdConfig {
        var c = StatusdConfig()
        var input = InputConfig(name: "fake", paths: [], format: .json)
        input.time = .arrival
        c.inputs = [input]
        c.stateDir = stateDir
        return c
    }

    func pipeline(_ dir: String, _ fake: FakeSource) -> Pipeline {
        Pipeline(config: config(stateDir: dir), configPath: dir + "/statusd.yaml", board: SinkBoard(sinks: []), doorbell: Doorbell(),
                 echoToStderr: false, logger: Logger(label: "test"), sources: [fake])
    }

    /// Runs `p` on a thread of its own (its loop blocks) and returns a wait for its end.
    func start(_ p: Pipeline) -> DispatchSemaphore {
        let ended = DispatchSemaphore(value: 0)
        let thread = Thread { p.run(); ended.signal() }
        thread.start()
        return ended
    }

    /// Polls `done` every 5 ms, up to 2 s.
    func eventually(_ done: () -> Bool) -> Bool {
        for _ in 0..<400 {
            if done() { return true }
            usleep(5000)
        }
        return done()
    }

    func fakeInput(_ p: Pipeline) -> InputReport? { p.report(version: "test").inputs.first { $0.name == "fake" } }

    @Test("a source given to the pipeline is read by its loop, listed in status, saved in the state file with its position, closed on stop, and handed its position back on restart")
    func fakeSourceThroughTheLoop() throws {
        let dir = try tempDir()
        let first = FakeSource(input: "fake")
        let p1 = pipeline(dir, first)
        let ended1 = start(p1)
        first.offer([#"{"status":200}"#, #"{"status":502}"#, #"{"status":502}"#])
        #expect(eventually { fakeInput(p1)?.lines == 3 }, "the loop read the lines the source had ready")
        let report = try #require(fakeInput(p1))
        #expect(report.codes == ["502": 2, "200": 1])
        #expect(report.files.map(\.path) == ["fake:fake"] && report.files.first?.offset == 3, "status lists what the source reports")
        p1.stop()
        #expect(ended1.wait(timeout: .now() + 5) == .success)
        #expect(first.closed, "closed on shutdown")
        #expect(first.configureCalls == 1)

        // The snapshot written on shutdown holds the source's position under its kind, beside the counts.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/state.json"))) as? [String: Any])
        let sources = try #require(json["sources"] as? [String: Any])
        #expect((sources["test"] as? [String: Any])?["cursors"] as? [String: String] == ["fake": "line 3"])
        #expect(sources["syslog"] == nil, "syslog has no position and writes none")
        #expect(json["files"] as? [Any] != nil, "the field older versions require is still written")

        let second = FakeSource(input: "fake")
        let p2 = pipeline(dir, second)
        let ended2 = start(p2)
        #expect(eventually { fakeInput(p2)?.lines == 3 }, "the counts came back from the snapshot")
        p2.stop()
        #expect(ended2.wait(timeout: .now() + 5) == .success)
        #expect(second.restored == SourcePosition(cursors: ["fake": "line 3"]), "restore handed the saved position back")
        #expect(second.restoredSeen == ["fake"])
        #expect(second.consumed == 3)
    }

    @Test("a source that cannot read is listed in health as input_unreadable, and recovers when it can again")
    func unreadableInHealth() throws {
        let dir = try tempDir()
        let fake = FakeSource(input: "fake")
        let p = pipeline(dir, fake)
        p.driver.withLock { d in
            d.restoreCheckpoint(now: 1000)
            d.configureSources(now: 1000)
            d.checkHealth(now: 1000)
        }
        #expect((p.report(version: "t").health?.degradations ?? []).isEmpty)
        fake.trouble.withLock { $0 = [("test: 127.0.0.1:5514", "cannot listen: Address already in use")] }
        p.driver.withLock { $0.checkHealth(now: 1001) }
        let listed = p.report(version: "t").health?.degradations ?? []
        #expect(listed.map(\.kind) == ["input_unreadable"])
        #expect(listed.first?.subject == "test: 127.0.0.1:5514" && listed.first?.detail.contains("Address already in use") == true)
        fake.trouble.withLock { $0 = [] }
        p.driver.withLock { $0.checkHealth(now: 1002) }
        #expect((p.report(version: "t").health?.degradations ?? []).isEmpty)
        fake.shutDown()
    }

    @Test("a snapshot falls due when a source's generation moved, and not while no source read anything")
    func snapshotFollowsGeneration() throws {
        let dir = try tempDir()
        let fake = FakeSource(input: "fake")
        let p = pipeline(dir, fake)
        let path = dir + "/state.json"
        p.driver.withLock { d in
            d.restoreCheckpoint(now: 1000)
            d.configureSources(now: 1000)
            d.saveSnapshot(now: 1000)
        }
        let firstWrite = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(firstWrite != nil)
        #expect(try CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 1001)?.position(of: fake.kind)
                == SourcePosition(cursors: ["fake": "line 0"]))

        // Long enough after: due, but nothing was read (no generation moved): no snapshot.
        #expect(p.driver.withLock { d in
            d.saveCheckpoint(now: 1000 + 4000)
            return d.checkpoints.lastSnapshotAt
        } == 1000)

        fake.offer([#"{"status":503}"#, #"{"status":200}"#])
        let written = p.driver.withLock { d in
            d.readSources(now: 5001)
            d.saveCheckpoint(now: 5001)
            return d.checkpoints.lastSnapshotAt
        }
        #expect(written == 5001, "the fake's generation moved: the snapshot is written")
        let cp = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 5002))
        #expect(cp.position(of: fake.kind) == SourcePosition(cursors: ["fake": "line 2"]))
        #expect(cp.inputs["fake"]?.codes["503"] == 1, "saved with the counts its position stands for")
        fake.shutDown()
    }

    /// `state.json` as statusd wrote it before `sources` (by CheckpointStoreTests' sample, with
    /// the code of the commit before it): files' offsets in `files`, journal cursors in
    /// `journal_cursors`.
    static let beforeSources = """
    {"inputs":{"web":{"codes":{"502":10},"unparsed":0,"ignored":0,"too_late":0,"out_of_range":0,"buckets":[[1000,502,1],[1001,502,1],[1002,502,1],[1003,502,1],[1004,502,1],[1005,502,1],[1006,502,1],[1007,502,1],[1008,502,1],[1009,502,1]]}},\
    "alerts":{"server-errors":{"changes":[1000],"firedAt":1000,"lastBreachAt":1008,"lastNotifiedAt":1000,"peakRate":1,"phase":"firing","sequence":1,"since":1000}},\
    "clock":1009,"evaluated_through":1008,\
    "files":[{"device":1,"fingerprint":{"hash":14695981039346656037,"length":0},"inode":2,"input":"web","offset":1234,"path":"/var/log/nginx/access.log"}],\
    "held":{"slo/page":2},"journal_cursors":{"nginx":"s=abc;i=1"},\
    "outbox":{"entries":[{"enqueued_at":1010,"pending":["journal"],"seq":1,"transition":{"alert_id":"server-errors@1000","at":1000,"codes":[{"code":502,"count":1}],"condition":"rate","fired_at":1000,"inputs":["web"],"kind":"firing","limit":0.05,"match":"5xx","matched":1,"peak_rate":1,"rate":1,"resolve_below":0.05,"rule":"server-errors","seen_at":1001,"sequence":1,"severity":"warning","total":1,"window_seconds":60}}],"episodes":{"episodes":[]},"next_seq":2,"standing":{"by_sink":{}}},\
    "saved_at":1010,"seasonal":{"spike":{"heads":[0],"ingested_through":1000,"tiers":[[[0,40,3]]]}},"version":2,"watched_since":{"web":999}}
    """

    @Test("a state file from before `sources` loads: the files' offsets and the journal cursors become those sources' positions")
    func olderStateFileLoads() throws {
        let dir = try tempDir()
        try Data(Self.beforeSources.utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        let cp = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 1020))
        #expect(cp.sources == nil)
        let file = FileCheckpoint(input: "web", path: "/var/log/nginx/access.log", device: 1, inode: 2, offset: 1234, fingerprint: .empty)
        #expect(cp.position(of: .file) == SourcePosition(files: [file]))
        #expect(cp.position(of: .journal) == SourcePosition(cursors: ["nginx": "s=abc;i=1"]))
        #expect(cp.position(of: .syslog) == .none)
        #expect(cp.position(of: SourceKind("test")) == .none)
        #expect(cp.alerts["server-errors"]?.phase == .firing && cp.inputs["web"]?.codes["502"] == 10)

        // The sources take them back as before: the tailer resumes the file, the journal its cursor.
        let tailer = Tailer(logger: Logger(label: "test"))
        tailer.restore(cp.position(of: .file), seenInputs: Set(cp.inputs.keys), savedAt: cp.savedAt)
        #expect(tailer.resume[file.identity] == file && tailer.scannedInputs == ["web"] && tailer.restoredSavedAt == 1010)
        let journals = JournalReader(logger: Logger(label: "test"))
        journals.restore(cp.position(of: .journal), seenInputs: [], savedAt: cp.savedAt)
        #expect(journals.position == .none, "cursors wait for their inputs (none configured here)")

        // A version 1 file (no journal cursors): the file source's position is its `files`.
        let v1 = """
        {"version":1,"saved_at":5,"inputs":{},"files":[],"alerts":{}}
        """
        try Data(v1.utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        let old = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 6))
        #expect(old.position(of: .file) == SourcePosition(files: []) && old.position(of: .journal) == .none)
    }

    @Test("every source's position survives the streamed state file: files and the journal in the fields every version reads, the others under their kind")
    func positionsRoundTrip() throws {
        let dir = try tempDir()
        var monitor = Monitor(inputs: [InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])], rules: [], clock: .lines)
        let file = FileCheckpoint(input: "web", path: "/var/log/nginx/access.log", device: 7, inode: 9, offset: 4096,
                                  fingerprint: Fingerprint(bytes: Array("127.0.0.1 - - [".utf8)))
        var cp = Checkpoint(savedAt: 2000, monitor: monitor.snapshot(), files: [], outbox: Outbox())
        cp.record(SourcePosition(files: [file]), of: .file)
        cp.record(SourcePosition(cursors: ["nginx-journal": "s=1;i=2a"]), of: .journal)
        cp.record(.none, of: .syslog)
        cp.record(SourcePosition(cursors: ["fake": "line 7"]), of: SourceKind("test"))
        try CheckpointStore(directory: dir, logger: Logger(label: "test")).save(cp)

        let back = try #require(CheckpointStore(directory: dir, logger: Logger(label: "test")).load(now: 2001))
        #expect(back.position(of: .file) == SourcePosition(files: [file]))
        #expect(back.position(of: .journal) == SourcePosition(cursors: ["nginx-journal": "s=1;i=2a"]))
        #expect(back.position(of: .syslog) == .none)
        #expect(back.position(of: SourceKind("test")) == SourcePosition(cursors: ["fake": "line 7"]))
        // Files and the journal where every version has kept them (a downgraded statusd resumes
        // from there), written once; the others by kind; nothing for syslog's none.
        #expect(back.files == [file] && back.journalCursors == ["nginx-journal": "s=1;i=2a"])
        #expect(back.sources == ["test": SourcePosition(cursors: ["fake": "line 7"])])
        let raw = try String(contentsOfFile: dir + "/state.json", encoding: .utf8)
        #expect(raw.components(separatedBy: "\"offset\":4096").count == 2, "the file's position is written once")
    }
}
