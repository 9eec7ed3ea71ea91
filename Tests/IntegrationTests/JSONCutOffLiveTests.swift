import Foundation
import Testing

/// JSON lines cut off right after `{`, after `[` and after `"request":{` between healthy lines and
/// an outage: live (the real daemon, alerts read back from a real journald) and in replay, every
/// later line is counted, each cut-off line is one unparsed line, and the outage fires on time.
@Suite("JSON lines cut off after { or [ swallow nothing", .serialized)
struct JSONCutOffIntegrationTests {
    static let cuts = [
        #"{"#,
        #"{"time_iso8601":"2026-11-20T10:00:00+00:00","status":"200","args":["#,
        #"{"time_iso8601":"2026-11-20T10:00:00+00:00","status":"200","request":{"#,
    ]

    static func line(_ status: Int, _ date: Date) -> String {
        let f = ISO8601DateFormatter()
        return #"{"time_iso8601":"\#(f.string(from: date))","status":"\#(status)","request":"GET / HTTP/1.1","body_bytes_sent":"12"}"# + "\n"
    }

    @Test("live: a cut-off line before 2,000 lines of 500 leaves every 500 counted and the rule fires")
    func live() throws {
        try Journald.acquire()
        defer { Journald.release() }
        let dir = try TempDir("jsoncut")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", """
        inputs:
          - name: api
            path: \(dir.file("access.log"))
            format: nginx-json
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 10%
            window: 30s
            min_requests: 50
            severity: critical
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.path)/state
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        var healthy = ""
        for _ in 0..<300 { healthy += Self.line(200, Date()) }
        try dir.append("access.log", healthy)
        #expect(Proc.waitFor(10) { (try? daemon.counts("api")["2xx"]) == 300 })
        // Each cut-off line, then healthy lines, then the outage right after the last one.
        for (k, cut) in Self.cuts.enumerated() {
            var text = cut + "\n"
            for _ in 0..<(k == 2 ? 0 : 100) { text += Self.line(200, Date()) }
            try dir.append("access.log", text)
        }
        var outage = ""
        for _ in 0..<2000 { outage += Self.line(500, Date()) }
        let wrote = Date()
        try dir.append("access.log", outage)
        let firing = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "firing", timeout: 20)
        #expect(firing != nil, "no firing alert; stderr: \(daemon.stderrText.suffix(2000))")
        // On time: the 500s are read as they are written (a swallowed outage never fired at all).
        #expect(Date().timeIntervalSince(wrote) < 10)
        #expect(Proc.waitFor(10) { (try? daemon.counts("api")["5xx"]) == 2000 })
        let counts = try daemon.counts("api")
        #expect(counts["2xx"] == 500 && counts["5xx"] == 2000 && counts["unparsed"] == 3, "\(counts)")
        #expect(try daemon.rule("server-errors")?["state"] as? String == "firing")
        #expect(daemon.stop() == 0)
    }

    func replay(_ args: [String]) throws -> [String: Any] {
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--json"] + args, timeout: 120)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("replay: the same timeline, the same counts, with and without the cut-off lines, one thread or two")
    func replayOnTime() throws {
        let dir = try TempDir("jsoncutreplay")
        // Ten minutes at 10 requests a second; every request a 500 in minutes 5 and 6. The cut-off
        // lines come at 1:40, 3:20 and right before the outage.
        let start = Date(timeIntervalSince1970: 1_795_168_800)
        var clean = "", cut = ""
        for s in 0..<600 {
            if s == 100 { cut += Self.cuts[0] + "\n" }
            if s == 200 { cut += Self.cuts[1] + "\n" }
            if s == 300 { cut += Self.cuts[2] + "\n" }
            for _ in 0..<10 {
                let l = Self.line(s >= 300 && s < 420 ? 500 : 200, start.addingTimeInterval(Double(s)))
                clean += l
                cut += l
            }
        }
        try dir.write("clean.log", clean)
        try dir.write("cut.log", cut)
        try dir.write("statusd.yaml", """
        inputs:
          - {name: api, path: \(dir.file("cut.log")), format: nginx-json}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, severity: critical}
        """)
        let want = try replay(["--config", dir.file("statusd.yaml"), dir.file("clean.log")])
        let wantTimeline = (want["timeline"] as? [[String: Any]] ?? []).map { "\($0["event"] ?? "") \($0["at"] ?? "")" }
        #expect(wantTimeline.first?.hasPrefix("firing 2026-11-20T10:05:") == true, "\(wantTimeline)")
        for threads in ["1", "2"] {
            let got = try replay(["--config", dir.file("statusd.yaml"), "--threads", threads, dir.file("cut.log")])
            let timeline = (got["timeline"] as? [[String: Any]] ?? []).map { "\($0["event"] ?? "") \($0["at"] ?? "")" }
            #expect(timeline == wantTimeline, "threads \(threads)")
            #expect(got["lines"] as? Int == 6003)
            let counts = got["counts"] as? [String: Int] ?? [:]
            #expect(counts["5xx"] == 1200 && counts["2xx"] == 4800 && counts["unparsed"] == 3, "threads \(threads): \(counts)")
        }
    }
}
