import Foundation
import Testing

/// Real logrotate in each style while a writer appends at a high rate; statusd's counts must
/// equal what the writer wrote: no line lost, none counted twice.
@Suite("rotation with real logrotate", .serialized)
struct RotationTests {
    static func config(_ dir: TempDir) -> String {
        """
        inputs:
          - name: web
            path: \(dir.file("access.log"))
            start_at: beginning
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 50%
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """
    }

    static func start(_ dir: TempDir) throws -> StatusdProcess {
        try dir.write("statusd.yaml", config(dir))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady(), "stderr: \(daemon.stderrText)")
        return daemon
    }

    /// Waits until statusd's class counts equal `truth`, then checks they stay equal.
    static func expectExact(_ daemon: StatusdProcess, _ truth: [String: Int], _ label: String) {
        let keys = ["2xx", "3xx", "4xx", "5xx"]
        func same() -> Bool {
            guard let c = try? daemon.counts("web") else { return false }
            return keys.allSatisfy { (c[$0] ?? 0) == (truth[$0] ?? 0) } && c["unparsed"] == 0
        }
        let reached = Proc.waitFor(20, same)
        usleep(1_500_000)
        let counts = (try? daemon.counts("web")) ?? [:]
        let lost = keys.reduce(0) { $0 + (truth[$1] ?? 0) - (counts[$1] ?? 0) }
        print("\(label): written \(truth), statusd \(counts.filter { keys.contains($0.key) }), lost-minus-duplicated \(lost)")
        #expect(reached && same(), "\(label): statusd \(counts) vs written \(truth)")
    }

    @Test("rename rotations, twice in quick succession, lose nothing", arguments: [
        ["create"],
        ["create", "compress", "delaycompress"],
        ["create", "compress"],
        ["create", "dateext", "dateformat -%Y%m%d-%s"],
    ])
    func renameStyles(_ options: [String]) throws {
        guard Logrotate.binary != nil else { Issue.record("logrotate is not installed"); return }
        let dir = try TempDir("logrotate")
        try dir.write("access.log", "")
        let daemon = try Self.start(dir)
        defer { daemon.stop() }
        let writer = LogWriter(path: dir.file("access.log"))
        writer.start(total: 9000, perSecond: 3000)
        usleep(500_000)
        try Logrotate.rotate(dir, log: dir.file("access.log"), options: options)
        // dateext names rotations by the second: the second rotation needs a new second.
        usleep(options.contains("dateext") ? 1_100_000 : 100_000)
        try Logrotate.rotate(dir, log: dir.file("access.log"), options: options)
        writer.wait()
        Self.expectExact(daemon, writer.classes, options.joined(separator: "+"))
        // Rotated files are closed once drained: only the current file stays open.
        #expect(Proc.waitFor(10) { ((try? daemon.status().json["inputs"] as? [[String: Any]])??.first?["files"] as? [Any])?.count == 1 })
    }

    @Test("copytruncate with the writer paused across logrotate's run loses nothing")
    func copytruncatePaused() throws {
        let dir = try TempDir("copytrunc")
        try dir.write("access.log", "")
        let daemon = try Self.start(dir)
        defer { daemon.stop() }
        let writer = LogWriter(path: dir.file("access.log"))
        writer.start(total: 6000, perSecond: 3000, reopen: false)
        for _ in 0..<2 {
            usleep(600_000)
            writer.pause()
            try Logrotate.rotate(dir, log: dir.file("access.log"), options: ["copytruncate"])
            writer.resume()
        }
        writer.wait()
        Self.expectExact(daemon, writer.classes, "copytruncate (paused writer)")
    }

    @Test("copytruncate under load: the only loss is what neither file holds; nothing is counted twice")
    func copytruncateUnderLoad() throws {
        let dir = try TempDir("copyload")
        try dir.write("access.log", "")
        let daemon = try Self.start(dir)
        defer { daemon.stop() }
        let writer = LogWriter(path: dir.file("access.log"))
        writer.start(total: 9000, perSecond: 3000, reopen: false)
        usleep(800_000)
        try Logrotate.rotate(dir, log: dir.file("access.log"), options: ["copytruncate"])
        writer.wait()
        let inFiles = try ["access.log", "access.log.1"].map { try LogTruth.classes(dir.file($0)).values.reduce(0, +) }.reduce(0, +)
        let written = writer.total
        var counted = 0
        _ = Proc.waitFor(10) {
            counted = ((try? daemon.counts("web")) ?? [:]).filter { ["2xx", "3xx", "4xx", "5xx"].contains($0.key) }.values.reduce(0, +)
            return counted >= inFiles
        }
        print("copytruncate under load: written \(written), in the two files \(inFiles), statusd \(counted)")
        #expect(counted >= inFiles, "statusd lost lines that a file holds")
        #expect(counted <= written, "statusd counted lines twice")
        for (cls, n) in (try daemon.counts("web")) where ["2xx", "3xx", "4xx", "5xx"].contains(cls) {
            #expect(n <= writer.classes[cls] ?? 0)
        }
    }

    @Test("a file truncated and rewritten past the old offset is read from its start")
    func truncateAndRewrite() throws {
        let dir = try TempDir("rewrite")
        try dir.write("access.log", "")
        let daemon = try Self.start(dir)
        defer { daemon.stop() }
        try dir.append("access.log", AccessLines.make(200, count: 100))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["2xx"]) == 100 })
        // Rewritten in place, longer than before: a reader keeping its offset would skip lines.
        try dir.write("access.log", AccessLines.make(503, count: 300))
        Self.expectExact(daemon, ["2xx": 100, "5xx": 300], "truncate-and-rewrite")
    }

    @Test("a writer that keeps its offset after truncation leaves NULs, which are skipped")
    func nulHole() throws {
        let dir = try TempDir("nul")
        try dir.write("access.log", "")
        let daemon = try Self.start(dir)
        defer { daemon.stop() }
        let fd = open(dir.file("access.log"), O_WRONLY)
        defer { close(fd) }
        let first = Array(AccessLines.make(200, count: 50).utf8)
        _ = first.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["2xx"]) == 50 })
        // truncate(1) behind the writer's back; its next write lands at its old offset.
        _ = truncate(dir.file("access.log"), 0)
        usleep(300_000)
        let next = Array(AccessLines.make(502, count: 5).utf8)
        _ = next.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        Self.expectExact(daemon, ["2xx": 50, "5xx": 5], "NUL hole")
    }
}
