import Foundation
import Testing

/// The real daemon against time anomalies, alerts read back from a real systemd-journald: a line
/// stamped in the future, the wall clock stepped back and forward (libfaketime), and a fresh
/// start on a quiet log with a `no_traffic` rule.
@Suite("time anomalies, end to end", .serialized)
struct TimeAnomalyTests {
    init() throws { try Journald.acquire() }

    func config(_ dir: TempDir, silence: String = "15s") -> String {
        """
        inputs:
          - name: web
            path: \(dir.file("access.log"))
            format: combined
        rules:
          - name: bad-gateway
            match: 502
            rate_above: 10%
            window: 30s
            min_requests: 50
            severity: critical
          - name: silent
            no_traffic: \(silence)
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.path)/state
        """
    }

    /// Writes 50 lines a second for `seconds` seconds, stamped with the wall clock plus `offset`
    /// (60% of them 502 when `outage`), each second's lines in one write.
    func traffic(_ dir: TempDir, seconds: Int, offset: TimeInterval = 0, outage: Bool = false,
                 each: (Int) throws -> Void = { _ in }) throws {
        for k in 0..<seconds {
            let at = Date().addingTimeInterval(offset)
            let text = outage
                ? AccessLines.make(502, count: 30, at: at) + AccessLines.make(200, count: 20, at: at)
                : AccessLines.make(200, count: 50, at: at)
            try dir.append("access.log", text)
            try each(k)
            Thread.sleep(forTimeInterval: 1)
        }
    }

    func alerts(_ pid: Int32, _ rule: String) throws -> [String] {
        try Journald.entries(pid: pid, ["STATUSD_RULE=\(rule)"]).compactMap { $0["STATUSD_STATE"] as? String }
    }

    func tooLate(_ daemon: StatusdProcess) throws -> Int? {
        let inputs = try daemon.status().json["inputs"] as? [[String: Any]] ?? []
        return inputs.first?["too_late"] as? Int
    }

    @Test("one line stamped max_skew - 1 s ahead in healthy traffic: the outage after it fires on time, no absence page")
    func futureLine() throws {
        defer { Journald.release() }
        let dir = try TempDir("future")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        try traffic(dir, seconds: 5)
        // max_skew is 300 s by default: 299 s ahead is inside it.
        try dir.append("access.log", AccessLines.make(200, count: 1, at: Date().addingTimeInterval(299)))
        // Longer than the no_traffic window: a point pushed ahead would make these too late.
        try traffic(dir, seconds: 20)
        #expect(try alerts(daemon.pid, "silent").isEmpty, "an absence page while lines arrive: \(daemon.stderrText)")
        #expect(try tooLate(daemon) == 0)
        #expect(try daemon.counts("web")["2xx"] == 1251, "every line counted, the future one too")

        let start = Date()
        var firedAfter: TimeInterval?
        try traffic(dir, seconds: 10, outage: true) { _ in
            if firedAfter == nil, try !alerts(daemon.pid, "bad-gateway").isEmpty { firedAfter = Date().timeIntervalSince(start) }
        }
        // 30 of 50 a second against 1,250 good ones over 30 s: above 10% in the 4th second.
        #expect(firedAfter != nil && firedAfter! < 8, "the outage did not fire on time: \(String(describing: firedAfter))")
        #expect(try alerts(daemon.pid, "bad-gateway") == ["firing"])
        #expect(try alerts(daemon.pid, "silent").isEmpty)
        #expect(try tooLate(daemon) == 0)
    }

    @Test("a fresh start on a log with history, no_traffic 20s: nothing in its first 20 s, then it fires")
    func freshStart() throws {
        defer { Journald.release() }
        let dir = try TempDir("fresh")
        // History: an hour-old log, read from its end (start_at: end, no state file).
        try dir.write("access.log", AccessLines.make(200, count: 500, at: Date().addingTimeInterval(-3600)))
        try dir.write("statusd.yaml", config(dir, silence: "20s"))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        let started = Date()
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        _ = Proc.waitFor(19 - Date().timeIntervalSince(started)) { false }
        #expect(try alerts(daemon.pid, "silent").isEmpty, "paged within its first 20 s")
        #expect(try daemon.rule("silent")?["state"] as? String == "ok")
        // The rule still works: 20 s of silence watched, it fires.
        let fired = try Journald.waitForAlert(pid: daemon.pid, rule: "silent", state: "firing", timeout: 10)
        #expect(fired != nil)
        let after = Date().timeIntervalSince(started)
        #expect(after >= 20 && after < 26, "fired after \(after) s")
    }

    @Test("the wall clock stepped back 1 h and forward 1 h under 50 lines a second: no false page, the outage fires, status shows the step")
    func clockSteps() throws {
        defer { Journald.release() }
        let lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
        try #require(FileManager.default.fileExists(atPath: lib), "libfaketime (Debian faketime) is needed")
        let dir = try TempDir("steps")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir))
        let offsetFile = dir.file("faketime")
        try dir.write("faketime", "+0s\n")
        // Only the daemon's wall clock is faked; its monotonic clock stays true.
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir, launcher: [
            "/usr/bin/env", "LD_PRELOAD=\(lib)", "FAKETIME_TIMESTAMP_FILE=\(offsetFile)", "FAKETIME_NO_CACHE=1",
            "FAKETIME_DONT_FAKE_MONOTONIC=1",
        ])
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        try traffic(dir, seconds: 6)

        // The host's clock steps back an hour: the daemon's and the lines' alike.
        try dir.write("faketime", "-3600s\n")
        try traffic(dir, seconds: 20, offset: -3600)
        let clock = try daemon.status().json["clock"] as? [String: Any]
        #expect(clock?["last_step_seconds"] as? Int == -3600, "status: \(String(describing: clock)); \(daemon.stderrText)")
        #expect(clock?["last_step_direction"] as? String == "back")
        #expect(clock?["steps"] as? Int == 1)
        let text = try Proc.run(StatusdProcess.binary, ["status", "--socket", dir.file("s.sock")], timeout: 10).stdout
        #expect(text.contains("clock: stepped back 1h"), "text status: \(text)")
        #expect(daemon.stderrText.contains("the wall clock stepped back 1h"))
        #expect(try alerts(daemon.pid, "silent").isEmpty)
        #expect(try tooLate(daemon) == 0)

        // An outage during the stepped-back hour fires.
        let start = Date()
        var firedAfter: TimeInterval?
        try traffic(dir, seconds: 10, offset: -3600, outage: true) { _ in
            if firedAfter == nil, try !alerts(daemon.pid, "bad-gateway").isEmpty { firedAfter = Date().timeIntervalSince(start) }
        }
        #expect(firedAfter != nil && firedAfter! < 8, "the outage did not fire on time: \(String(describing: firedAfter))")

        // Healthy again, then the clock steps forward an hour (back to true time).
        try traffic(dir, seconds: 5, offset: -3600)
        try dir.write("faketime", "+0s\n")
        try traffic(dir, seconds: 20)
        let after = try daemon.status().json["clock"] as? [String: Any]
        #expect(after?["last_step_seconds"] as? Int == 3600)
        #expect(after?["last_step_direction"] as? String == "forward")
        #expect(after?["steps"] as? Int == 2)
        #expect(try alerts(daemon.pid, "silent").isEmpty, "a false absence page: \(daemon.stderrText)")
        #expect(try tooLate(daemon) == 0)
        // The outage's 502s left the window: it resolves, once; one firing, nothing false around the steps.
        let resolved = try Journald.waitForAlert(pid: daemon.pid, rule: "bad-gateway", state: "resolved", timeout: 20)
        #expect(resolved != nil)
        let states = try alerts(daemon.pid, "bad-gateway")
        #expect(states == ["firing", "resolved"], "\(states)")
        // Resolved once the outage (10 s) left the 30 s window: not before, stepped or not.
        if let fired = try Journald.entries(pid: daemon.pid, ["STATUSD_RULE=bad-gateway", "STATUSD_STATE=firing"]).first,
           let f = Double(fired["__REALTIME_TIMESTAMP"] as? String ?? ""), let r = Double(resolved?["__REALTIME_TIMESTAMP"] as? String ?? "") {
            #expect((r - f) / 1e6 >= 20, "resolved \((r - f) / 1e6) s after firing")
        }
    }
}
