import Foundation
import Testing

/// Restarts: `kill -9` in the middle of a burst, rotation while down, a corrupt state file.
@Suite("restarts and checkpoints", .serialized)
struct RestartTests {
    /// Starts a daemon and a writer, `kill -9`s the daemon mid-burst, runs `whileDown`, restarts
    /// it and checks the totals against what the writer wrote.
    func killMidBurst(_ dir: TempDir, lines: Int, perSecond: Int, after: UInt32, label: String,
                      whileDown: () throws -> Void = {}) throws -> StatusdProcess {
        try dir.write("access.log", "")
        let first = try RotationTests.start(dir)
        let writer = LogWriter(path: dir.file("access.log"))
        writer.start(total: lines, perSecond: perSecond)
        usleep(after)
        first.signal(SIGKILL)
        first.process.waitUntilExit()
        usleep(300_000)
        try whileDown()
        let daemon = try RotationTests.start(dir)
        writer.wait()
        RotationTests.expectExact(daemon, writer.classes, label)
        return daemon
    }

    @Test("kill -9 in the middle of a burst, restart: the totals equal what the file holds")
    func killNine() throws {
        let dir = try TempDir("kill9")
        let daemon = try killMidBurst(dir, lines: 8000, perSecond: 4000, after: 900_000, label: "kill -9 mid-burst")
        daemon.stop()
    }

    @Test("rotated while down: the old file is finished from its offset, the new one read whole")
    func rotatedWhileDown() throws {
        let dir = try TempDir("downrot")
        let daemon = try killMidBurst(dir, lines: 9000, perSecond: 3000, after: 700_000, label: "rotation while down") {
            try Logrotate.rotate(dir, log: dir.file("access.log"), options: ["create", "delaycompress", "compress"])
            usleep(500_000)
        }
        defer { daemon.stop() }
        #expect(daemon.stderrText.contains("rotated while statusd was down"))
    }

    @Test("rotated and compressed while down (compress, no delaycompress): its unread end is read from the .gz",
          arguments: ["stop", "kill -9"])
    func compressedWhileDown(_ how: String) throws {
        let dir = try TempDir("downgz")
        // A first line of its own, so the file's first bytes are not the new file's.
        try dir.write("access.log", "127.0.0.1 - - [\(AccessLines.timeLocal(Date()))] \"GET /first HTTP/1.1\" 204 0 \"-\" \"it\"\n"
                      + AccessLines.make(200, count: 1500) + AccessLines.make(503, count: 300))
        var daemon = try RotationTests.start(dir)
        #expect(Proc.waitFor(20) { (try? daemon.counts("web")["2xx"]) == 1501 })
        if how == "stop" { _ = daemon.stop() } else {
            daemon.signal(SIGKILL)
            daemon.process.waitUntilExit()
        }
        // While down: more lines, then logrotate renames and compresses at once, and the server
        // writes on in a new file.
        try dir.append("access.log", AccessLines.make(404, count: 700) + AccessLines.make(502, count: 200))
        try Logrotate.rotate(dir, log: dir.file("access.log"), options: ["create", "compress"])
        #expect(FileManager.default.fileExists(atPath: dir.file("access.log.1.gz")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("access.log.1")))
        try dir.append("access.log", AccessLines.make(301, count: 400))
        daemon = try RotationTests.start(dir)
        defer { _ = daemon.stop() }
        RotationTests.expectExact(daemon, ["2xx": 1501, "3xx": 400, "4xx": 700, "5xx": 500], "compressed while down (\(how))")
        #expect(daemon.stderrText.contains("rotated and compressed while statusd was down"))
    }

    @Test("a firing alert survives a restart: not paged again, and its resolved notice still comes")
    func alertStateSurvives() throws {
        try Journald.acquire()
        defer { Journald.release() }
        let dir = try TempDir("alertstate")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, path: \(dir.file("access.log"))}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 10%, window: 1m, min_requests: 20, severity: critical}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
        var daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady())
        try dir.append("access.log", AccessLines.make(500, count: 30))
        #expect(try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "firing") != nil)
        daemon.stop()
        daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        #expect(try daemon.rule("server-errors")?["state"] as? String == "firing")
        #expect(try daemon.counts("web")["5xx"] == 30, "totals survive the restart")
        try dir.append("access.log", AccessLines.make(200, count: 500))
        #expect(try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "resolved") != nil)
        #expect(try Journald.entries(pid: daemon.pid, ["STATUSD_STATE=firing"]).isEmpty, "no second page after the restart")
    }

    @Test("a corrupt state file is set aside and reported; the daemon starts and counts", arguments: ["zeros", "truncated"])
    func corruptState(_ kind: String) throws {
        let dir = try TempDir("corrupt")
        try dir.write("access.log", "")
        try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        let bad = kind == "zeros" ? String(repeating: "\u{0}", count: 4096) : #"{"version":1,"saved_at":17,"inputs":{"web":{"codes":{"200":"#
        try bad.write(toFile: dir.file("state/state.json"), atomically: true, encoding: .utf8)
        let daemon = try RotationTests.start(dir)
        defer { daemon.stop() }
        #expect(daemon.stderrText.contains("set aside"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: dir.file("state")).filter { $0.hasPrefix("state.json.corrupt-") }
        #expect(aside.count == 1)
        try dir.append("access.log", AccessLines.make(200, count: 7))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["2xx"]) == 7 })
    }

    @Test("100 rotations leave no file descriptor behind; a 1 MiB line and binary junk are counted")
    func manyRotations() throws {
        let dir = try TempDir("fds")
        try dir.write("access.log", "")
        let daemon = try RotationTests.start(dir)
        defer { daemon.stop() }
        let fdDir = "/proc/\(daemon.pid)/fd"
        let before = try FileManager.default.contentsOfDirectory(atPath: fdDir).count
        for i in 0..<100 {
            try dir.append("access.log", AccessLines.make(200, count: 1))
            // Rotated and deleted once its line is counted: a file deleted before the daemon ever
            // opened it (milliseconds on a loaded machine) would lose its line to the test, not to statusd.
            #expect(Proc.waitFor(10) { (try? daemon.counts("web")["2xx"]) == i + 1 }, "the line of rotation \(i)")
            try FileManager.default.moveItem(atPath: dir.file("access.log"), toPath: dir.file("access.log.\(i)"))
            try FileManager.default.removeItem(atPath: dir.file("access.log.\(i)"))
            try dir.write("access.log", "")
        }
        try dir.append("access.log", #"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /"# + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\" 503 0\n")
        try dir.append("access.log", "\u{7f}ELF\u{2}\u{1}\u{1}\u{0}\u{0}\u{0}\n\u{ff}\u{fe}junk\r\n")
        #expect(Proc.waitFor(10) { (try? daemon.counts("web")["2xx"]) == 100 })
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["5xx"]) == 1 }, "the 1 MiB line is classified from its start")
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["unparsed"]) == 2 })
        _ = Proc.waitFor(10) { ((try? FileManager.default.contentsOfDirectory(atPath: fdDir).count) ?? 99) <= before }
        let after = try FileManager.default.contentsOfDirectory(atPath: fdDir).count
        print("open file descriptors: \(before) before, \(after) after 100 rotations")
        #expect(after <= before)
    }
}

@Suite("state directory")
struct StateDirectoryTests {
    @Test("a second daemon on the same state directory refuses to start")
    func exclusive() throws {
        let dir = try TempDir("statelock")
        try dir.write("access.log", "")
        let first = try RotationTests.start(dir)
        defer { first.stop() }
        try dir.write("second.yaml", RotationTests.config(dir).replacingOccurrences(of: "s.sock", with: "s2.sock"))
        let out = try Proc.run(StatusdProcess.binary, ["run", "--config", dir.file("second.yaml")], timeout: 20)
        #expect(out.status == 1)
        #expect(out.stderr.contains("another statusd uses the state directory"))
    }
}
