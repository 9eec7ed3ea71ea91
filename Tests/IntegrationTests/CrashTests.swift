import Foundation
import Synchronization
import Testing

/// The lean state (issue 21): window contents are snapshotted rarely and rebuilt after a crash by
/// re-reading the logs from the snapshot's offsets; what was told to the world (the outbox, the
/// decided notifications) is in the small file. `kill -9` at random moments must lose no line,
/// count none twice, send every notification exactly once and follow the same alerts as replay.
@Suite("kill -9 at random moments", .serialized)
struct CrashTests {
    /// Two outages within 60 s: 40% 502 (both rules fire), then 30% 503 (only server-errors).
    static func bad(_ k: Int) -> (code: Int, count: Int) {
        switch k {
        case 10..<20: return (502, 24)
        case 35..<45: return (503, 18)
        default: return (200, 0)
        }
    }

    static let perSecond = 60

    func config(_ dir: TempDir, receiver: Receiver) -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log")), max_skew: 10m}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 20%, resolve_below: 10%, window: 10s, min_requests: 20, severity: critical}
          - {name: bad-gateway, match: 502, rate_above: 25%, window: 10s, min_requests: 10}
        sinks:
          - {name: hook, type: webhook, url: "\(receiver.url("/hook"))"}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    /// Writes `perSecond` lines at the start of each second for `seconds`, stamped with that
    /// second (the time nginx would write), outages as `bad` says; counts what it wrote.
    final class Traffic: @unchecked Sendable {
        let written = Mutex([String: Int]())
        let done = DispatchSemaphore(value: 0)

        func start(path: String, seconds: Int) {
            Thread { [self] in
                let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
                var second = Int(Date().timeIntervalSince1970) + 1
                for k in 0..<seconds {
                    while Date().timeIntervalSince1970 < Double(second) { usleep(2000) }
                    let at = Date(timeIntervalSince1970: Double(second))
                    let b = CrashTests.bad(k)
                    let text = AccessLines.make(b.code, count: b.count, at: at) + AccessLines.make(200, count: CrashTests.perSecond - b.count, at: at)
                    _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    written.withLock { w in
                        w["2xx", default: 0] += CrashTests.perSecond - b.count
                        if b.count > 0 { w["\(b.code / 100)xx", default: 0] += b.count }
                    }
                    second += 1
                }
                close(fd)
                done.signal()
            }.start()
        }
    }

    /// The webhook documents delivered (2xx), digests opened up: `(key, "rule kind at_unix")`.
    static func delivered(_ rx: Receiver) -> [(key: String, what: String)] {
        let iso = ISO8601DateFormatter()
        func one(_ j: [String: Any]) -> (key: String, what: String)? {
            guard let key = j["idempotency_key"] as? String, let kind = j["kind"] as? String, let rule = j["rule"] as? String,
                  let at = (j["at"] as? String).flatMap(iso.date(from:)) else { return nil }
            return (key, "\(rule) \(kind) \(Int(at.timeIntervalSince1970))")
        }
        return rx.delivered(path: "/hook").flatMap { r -> [(key: String, what: String)] in
            guard let j = r.json else { return [] }
            if j["type"] as? String == "digest" { return (j["notifications"] as? [[String: Any]] ?? []).compactMap(one) }
            return one(j).map { [$0] } ?? []
        }
    }

    @Test("kill -9 twenty times at random moments during 60 s of traffic with two outages: totals exact, each notification once, the transitions of replay")
    func randomKills() throws {
        let dir = try TempDir("crash")
        try dir.write("access.log", "")
        let rx = try Receiver(dir)
        try rx.start()
        defer { rx.stop() }
        try dir.write("statusd.yaml", config(dir, receiver: rx))
        // Snapshots every 3 s (instead of every 5 minutes): kills land before, between and
        // during snapshots, so recovery from a snapshot of the running daemon is exercised too.
        let launcher = ["/usr/bin/env", "STATUSD_SNAPSHOT_SECONDS=3"]
        func spawn() throws -> StatusdProcess {
            try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir, launcher: launcher)
        }
        var daemon = try spawn()
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let traffic = Traffic()
        traffic.start(path: dir.file("access.log"), seconds: 60)
        let started = Date()
        var delays: [Double] = []
        var stderr = ""
        for _ in 0..<20 {
            // At a random moment after the spawn: while starting, restoring, catching up or running.
            let delay = Double.random(in: 0.3...4.5)
            delays.append(delay)
            usleep(UInt32(delay * 1_000_000))
            daemon.signal(SIGKILL)
            daemon.process.waitUntilExit()
            stderr += daemon.stderrText
            daemon = try spawn()
        }
        print("kill -9 after (s): \(delays.map { String(format: "%.2f", $0) }.joined(separator: " ")); last kill at \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        _ = traffic.done.wait(timeout: .now() + 90)
        let written = traffic.written.withLock { $0 }

        // Totals exact: statusd's counts are what was written.
        #expect(Proc.waitFor(30) {
            let c = (try? daemon.counts("web")) ?? [:]
            return c["2xx"] == written["2xx"] && c["5xx"] == written["5xx"]
        }, "counts \((try? daemon.counts("web")) ?? [:]) != written \(written)")
        #expect(try daemon.counts("web")["unparsed"] ?? 0 == 0)

        // The same transitions as `statusd replay` of the same log.
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--json", "--config", dir.file("statusd.yaml"), dir.file("access.log")], timeout: 60)
        #expect(out.status == 0, "replay failed: \(out.stderr)")
        let doc = (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
        let replay = (doc["timeline"] as? [[String: Any]] ?? []).compactMap { e -> String? in
            guard let event = e["event"] as? String, event == "firing" || event == "resolved" else { return nil }
            return "\(e["rule"] as? String ?? "?") \(event) \(e["at_unix"] as? Int ?? 0)"
        }
        #expect(replay.filter { $0.hasPrefix("server-errors firing") }.count == 2, "replay: \(replay)")
        #expect(replay.filter { $0.hasPrefix("bad-gateway firing") }.count == 1, "replay: \(replay)")

        // Every notification delivered, exactly once per key, and they are replay's transitions.
        _ = Proc.waitFor(30) { Set(Self.delivered(rx).map(\.key)).count >= replay.count }
        sleep(2)
        let got = Self.delivered(rx)
        print("replay:    \(replay)\ndelivered: \(got.map { "\($0.key) \($0.what)" })")
        var perKey: [String: Int] = [:]
        for g in got { perKey[g.key, default: 0] += 1 }
        #expect(perKey.filter { $0.value > 1 }.isEmpty, "delivered more than once: \(perKey.filter { $0.value > 1 })")
        #expect(Set(got.map(\.what)) == Set(replay), "delivered \(got.map(\.what)) but replay has \(replay)")
        #expect(got.count == replay.count)
        stderr += daemon.stderrText
        let reread = stderr.components(separatedBy: "already decided, not queued again").count - 1
        print("transitions re-read after a crash and not queued again: \(reread)")
    }
}
