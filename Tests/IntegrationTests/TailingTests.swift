import Foundation
import Testing

@Suite("tailing", .serialized)
struct TailingTests {
    func config(_ dir: TempDir, path: String, startAt: String = "end") -> String {
        """
        inputs:
          - name: web
            path: \(path)
            start_at: \(startAt)
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 5%
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """
    }

    @Test("appends are counted quickly; a rename-and-create rotation loses nothing and counts nothing twice")
    func renameRotation() throws {
        let dir = try TempDir("rotate")
        try dir.write("access.log", AccessLines.make(200, count: 100))
        try dir.write("statusd.yaml", config(dir, path: dir.file("access.log")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())

        let t0 = Date()
        try dir.append("access.log", AccessLines.make(200, count: 10))
        #expect(Proc.waitFor(2) { (try? daemon.counts("web")["2xx"]) == 10 })
        let latency = Date().timeIntervalSince(t0)
        print("append-to-count latency: \(Int(latency * 1000)) ms (includes two process launches of statusd status)")

        // Rotate: rename, a writer still appending to the old file, then a new file.
        try FileManager.default.moveItem(atPath: dir.file("access.log"), toPath: dir.file("access.log.1"))
        try dir.append("access.log.1", AccessLines.make(502, count: 5))
        try dir.append("access.log", AccessLines.make(404, count: 7))
        try dir.append("access.log.1", AccessLines.make(503, count: 2))
        #expect(Proc.waitFor(5) {
            let c = (try? daemon.counts("web")) ?? [:]
            return c["2xx"] == 10 && c["5xx"] == 7 && c["4xx"] == 7
        }, "counts: \((try? daemon.counts("web")) ?? [:])")
        // Still right a moment later: nothing read twice.
        sleep(2)
        let c = try daemon.counts("web")
        #expect(c["2xx"] == 10 && c["5xx"] == 7 && c["4xx"] == 7)
    }

    @Test("a file that appears later is read from its start; a glob gains files; a partial last line waits")
    func laterFilesAndGlobs() throws {
        let dir = try TempDir("glob")
        try dir.write("statusd.yaml", config(dir, path: dir.path + "/*access.log"))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        try dir.write("a-access.log", AccessLines.make(200, count: 3))
        try dir.write("b-access.log", AccessLines.make(500, count: 2))
        try dir.write("other.log", AccessLines.make(500, count: 50))
        #expect(Proc.waitFor(5) {
            let c = (try? daemon.counts("web")) ?? [:]
            return c["2xx"] == 3 && c["5xx"] == 2
        })
        // Half a line: not counted until its newline arrives.
        let line = AccessLines.make(503, count: 1)
        let half = line.index(line.startIndex, offsetBy: 30)
        try dir.append("a-access.log", String(line[..<half]))
        sleep(1)
        #expect(try daemon.counts("web")["5xx"] == 2)
        #expect(try daemon.counts("web")["unparsed"] == 0)
        try dir.append("a-access.log", String(line[half...]))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["5xx"]) == 3 })
    }

    @Test("a deleted file is closed; unreadable lines are counted as unparsed")
    func deleteAndGarbage() throws {
        let dir = try TempDir("delete")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir, path: dir.file("access.log")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        try dir.append("access.log", "garbage line\n\u{1}\u{2}\u{3}binary\n" + AccessLines.make(200, count: 2))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["unparsed"]) == 2 })
        #expect(try daemon.counts("web")["2xx"] == 2)
        try FileManager.default.removeItem(atPath: dir.file("access.log"))
        let fdDir = "/proc/\(daemon.pid)/fd"
        #expect(Proc.waitFor(10) {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: fdDir)) ?? []
            return !fds.contains { ((try? FileManager.default.destinationOfSymbolicLink(atPath: fdDir + "/" + $0)) ?? "").contains("(deleted)") }
        }, "the deleted log is still held open")
    }
}

@Suite("polling inputs")
struct PollingTests {
    @Test("an input with poll: true (NFS) is followed without inotify, rotation included")
    func pollInput() throws {
        let dir = try TempDir("poll")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", """
        inputs:
          - name: nfs
            path: \(dir.file("access.log"))
            poll: true
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%}
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        // Polled, not watched: the daemon's inotify descriptor holds no watch.
        let fdinfo = "/proc/\(daemon.pid)/fdinfo"
        let watches = try FileManager.default.contentsOfDirectory(atPath: fdinfo).map {
            ((try? String(contentsOfFile: fdinfo + "/" + $0, encoding: .utf8)) ?? "")
                .split(separator: "\n").filter { $0.hasPrefix("inotify wd:") }.count
        }.reduce(0, +)
        #expect(watches == 0, "a poll: true input must not be watched with inotify")
        try dir.append("access.log", AccessLines.make(200, count: 4))
        #expect(Proc.waitFor(5) { (try? daemon.counts("nfs")["2xx"]) == 4 })
        try FileManager.default.moveItem(atPath: dir.file("access.log"), toPath: dir.file("access.log.1"))
        try dir.append("access.log.1", AccessLines.make(502, count: 2))
        try dir.append("access.log", AccessLines.make(404, count: 3))
        #expect(Proc.waitFor(5) {
            let c = (try? daemon.counts("nfs")) ?? [:]
            return c["2xx"] == 4 && c["5xx"] == 2 && c["4xx"] == 3
        })
    }
}
