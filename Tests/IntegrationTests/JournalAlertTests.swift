import Foundation
import Testing

/// Runs the real daemon on a temporary log with a real systemd-journald and reads its alerts
/// back with `journalctl -o json`.
@Suite("journald alerts, end to end", .serialized)
struct JournalAlertTests {
    init() throws { try Journald.acquire() }

    func config(_ dir: TempDir, log: String, socket: String) -> String {
        """
        inputs:
          - name: web
            path: \(log)
            format: combined
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 10%
            resolve_below: 5%
            window: 30s
            min_requests: 50
            severity: critical
          - name: client-aborts
            match: aborts
            rate_above: 50%
            window: 30s
        status:
          socket: \(socket)
        state_dir: \(dir.path)/state
        """
    }

    @Test("a burst of 5xx fires a journald alert with its fields; healthy traffic resolves it")
    func firesAndResolves() throws {
        defer { Journald.release() }
        let dir = try TempDir("journal")
        let log = dir.file("access.log")
        try dir.write("access.log", AccessLines.make(200, count: 5))
        try dir.write("statusd.yaml", config(dir, log: log, socket: dir.file("s.sock")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        // 60 of 100 requests fail: 502 x40, 503 x20.
        try dir.append("access.log", AccessLines.make(200, count: 40) + AccessLines.make(502, count: 40) + AccessLines.make(503, count: 20))
        let firing = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "firing")
        #expect(firing != nil, "no firing entry; stderr: \(daemon.stderrText)")
        if let e = firing {
            #expect(e["PRIORITY"] as? String == "2")
            #expect(e["SYSLOG_IDENTIFIER"] as? String == "statusd")
            #expect(e["MESSAGE_ID"] as? String == "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f81")
            #expect(e["STATUSD_MATCHED"] as? String == "60")
            #expect(e["STATUSD_TOTAL"] as? String == "100")
            #expect(e["STATUSD_RATE"] as? String == "0.6")
            #expect(e["STATUSD_LIMIT"] as? String == "0.1")
            #expect(e["STATUSD_WINDOW"] as? String == "30")
            #expect(e["STATUSD_INPUT"] as? String == "web")
            #expect(e["STATUSD_CODES"] as? String == "502:40,503:20")
            let message = e["MESSAGE"] as? String ?? ""
            #expect(message.contains("server-errors FIRING: 60% of requests were 5xx over the last 30s on web (60 of 100; limit 10%)"))
            #expect(message.contains("502 ×40 (Bad Gateway"))
        }
        // statusd status reports the firing critical rule with exit code 2.
        let st = try daemon.status()
        #expect(st.exit == 2)
        #expect(try daemon.rule("server-errors")?["state"] as? String == "firing")
        // The starting lines were skipped (start_at: end); only the appended ones count.
        let counts = try daemon.counts("web")
        #expect(counts["2xx"] == 40 && counts["5xx"] == 60 && counts["unparsed"] == 0)

        // Healthy traffic brings the rate to 60/1300 = 4.6%: at or below resolve_below 5%.
        try dir.append("access.log", AccessLines.make(200, count: 1200))
        let resolved = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "resolved")
        #expect(resolved != nil)
        #expect(resolved?["PRIORITY"] as? String == "5")
        #expect(resolved?["MESSAGE_ID"] as? String == "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f82")
        #expect((resolved?["MESSAGE"] as? String)?.contains("[resolved] server-errors") == true)
        #expect(try daemon.status().exit == 0)
        // One firing and one resolved entry: no repeats while it stayed firing.
        let all = try Journald.entries(pid: daemon.pid, ["STATUSD_RULE=server-errors"])
        #expect(all.count == 2)
        #expect(daemon.stop() == 0, "SIGTERM is a clean stop")
    }

    @Test("no page for 1 error in 2 requests")
    func minRequests() throws {
        defer { Journald.release() }
        let dir = try TempDir("minreq")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir, log: dir.file("access.log"), socket: dir.file("s.sock")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        try dir.append("access.log", AccessLines.make(200, count: 1) + AccessLines.make(500, count: 1))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["5xx"]) == 1 })
        sleep(2)
        #expect(try daemon.rule("server-errors")?["state"] as? String == "ok")
        #expect(try Journald.entries(pid: daemon.pid, ["STATUSD_RULE=server-errors"]).isEmpty)
    }
}
