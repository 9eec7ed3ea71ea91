import Foundation
import Testing

/// One monitor for live and replay: the same log with an outage gives the same transitions
/// (rule, kind, event second) written live as it happens, read as a backlog when the daemon
/// starts, and through `statusd replay`.
@Suite("live, backlog and replay agree", .serialized)
struct LiveReplayTests {
    func config(_ dir: TempDir, log: String, startAt: String, state: String, socket: String) -> String {
        """
        inputs:
          - {name: web, path: \(log), start_at: \(startAt), max_skew: 1h}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 20%, resolve_below: 10%, window: 10s, min_requests: 20, for: 3s, severity: critical}
          - {name: bad-gateway, match: 502, rate_above: 25%, window: 10s, min_requests: 10}
          - {name: client-aborts, match: aborts, rate_above: 50%, window: 10s}
        status: {socket: \(socket)}
        state_dir: \(state)
        """
    }

    /// Live transitions from `statusd status --json`: `rule kind at_unix`.
    func liveTransitions(_ daemon: StatusdProcess) throws -> [String] {
        let list = try daemon.status().json["transitions"] as? [[String: Any]] ?? []
        return list.map { "\($0["rule"] as? String ?? "?") \($0["event"] as? String ?? "?") \($0["at_unix"] as? Int ?? 0)" }
    }

    @Test("an outage written live, the same file as a backlog, and replay: the same transitions")
    func sameTransitions() throws {
        let dir = try TempDir("livereplay")
        let liveLog = dir.file("live.log")
        try dir.write("live.log", "")
        try dir.write("live.yaml", config(dir, log: liveLog, startAt: "end", state: dir.file("state-live"), socket: dir.file("live.sock")))
        let live = try StatusdProcess(config: dir.file("live.yaml"), socket: dir.file("live.sock"), dir: dir)
        defer { live.stop() }
        #expect(live.waitReady(), "live daemon never answered: \(live.stderrText)")

        // (a) Written as it happens: 30 requests at the start of each second, stamped with it;
        // healthy for 6 s, an outage of 502/503 for 10 s (60%, then 40%), healthy for 12 s.
        let fd = open(liveLog, O_WRONLY | O_APPEND | O_CLOEXEC)
        defer { close(fd) }
        var second = Int(Date().timeIntervalSince1970) + 1
        for k in 0..<28 {
            while Date().timeIntervalSince1970 < Double(second) { usleep(2000) }
            let at = Date(timeIntervalSince1970: Double(second))
            var text = ""
            let bad = k < 6 || k >= 16 ? 0 : (k < 11 ? 18 : 12)
            text += AccessLines.make(502, count: bad * 2 / 3, at: at) + AccessLines.make(503, count: bad - bad * 2 / 3, at: at)
            text += AccessLines.make(200, count: 30 - bad, at: at)
            _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            second += 1
        }
        // Let the last seconds close, then read what the live daemon saw.
        sleep(3)
        let a = try liveTransitions(live)

        // (b) The same file as a backlog present when a fresh daemon starts.
        try FileManager.default.copyItem(atPath: liveLog, toPath: dir.file("backlog.log"))
        try dir.write("backlog.yaml", config(dir, log: dir.file("backlog.log"), startAt: "beginning",
                                             state: dir.file("state-backlog"), socket: dir.file("backlog.sock")))
        let backlog = try StatusdProcess(config: dir.file("backlog.yaml"), socket: dir.file("backlog.sock"), dir: dir)
        defer { backlog.stop() }
        #expect(backlog.waitReady(), "backlog daemon never answered: \(backlog.stderrText)")
        #expect(Proc.waitFor(10) { ((try? backlog.counts("web")["2xx"]) ?? 0) > 0 })
        sleep(2)
        let b = try liveTransitions(backlog)

        // (c) statusd replay on the same file with the same rules.
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--json", "--config", dir.file("live.yaml"), liveLog], timeout: 60)
        #expect(out.status == 0, "replay failed: \(out.stderr)")
        let doc = (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
        let c = (doc["timeline"] as? [[String: Any]] ?? []).map {
            "\($0["rule"] as? String ?? "?") \($0["event"] as? String ?? "?") \($0["at_unix"] as? Int ?? 0)"
        }

        print("live:    \(a)\nbacklog: \(b)\nreplay:  \(c)")
        #expect(c.contains { $0.hasPrefix("server-errors firing") }, "the outage fires in replay")
        #expect(c.contains { $0.hasPrefix("server-errors resolved") })
        #expect(c.contains { $0.hasPrefix("bad-gateway firing") })
        #expect(a == c, "live and replay differ")
        #expect(b == c, "backlog and replay differ")
        #expect(!c.contains { $0.hasPrefix("client-aborts") })
    }
}
