import Foundation
import Testing

/// Escalation (`after:`), `statusd ack` and maintenance windows with the real binary, the real CLI,
/// a private journald and two webhook receivers on 127.0.0.1 (`chat` at once, `pager` after 3 s).
@Suite("alert lifecycle: escalation, acknowledgements, maintenance", .serialized)
struct LifecycleIntegrationTests {
    /// Rules firing at once over a 10 s window on one code each (small samples fire on purpose).
    static func config(_ dir: TempDir, chat: Receiver, pager: Receiver, extra: String = "") -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log"))}
        rules:
        \([500, 502, 503].map { "  - {name: r\($0), match: \($0), rate_above: 10%, guard: none, window: 10s, min_requests: 5, severity: critical}" }.joined(separator: "\n"))
        sinks:
          - {name: chat, type: webhook, url: "\(chat.url("/chat"))"}
          - {name: pager, type: webhook, url: "\(pager.url("/pager"))", after: 3s}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        \(extra)
        """
    }

    /// (kind, rule, arrival time, document) of each webhook document a receiver acknowledged.
    static func docs(_ rx: Receiver) -> [(kind: String, rule: String, t: Double, json: [String: Any])] {
        rx.delivered().compactMap { r in
            guard let j = r.json, let k = j["kind"] as? String, let rule = j["rule"] as? String else { return nil }
            return (k, rule, r.t, j)
        }
    }

    func cli(_ args: [String], _ dir: TempDir) throws -> Proc.Output {
        try Proc.run(StatusdProcess.binary, args + ["--socket", dir.file("s.sock")], timeout: 10)
    }

    func alert(_ d: StatusdProcess, _ rule: String) -> [String: Any]? {
        ((try? d.rule(rule))?["alerts"] as? [[String: Any]])?.first
    }

    @Test("chat at once, the pager only after `after:`, nothing to it when the alert resolves first or is acknowledged; resolved to every sink that got the firing")
    func escalation() throws {
        let dir = try TempDir("escalation")
        let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
        try chat.start()
        try pager.start()
        defer { chat.stop(); pager.stop() }
        let journal = try PrivateJournal()
        try journal.start()
        defer { journal.stop() }
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager))
        let daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        // 1. r502 fires and resolves within a second: chat gets both, the pager nothing, ever.
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(502, count: 5))
        #expect(Proc.waitFor(10) { Self.docs(chat).contains { $0.rule == "r502" && $0.kind == "firing" } }, "chat never got r502: \(daemon.stderrText)")
        try dir.append("access.log", AccessLines.make(200, count: 600))
        #expect(Proc.waitFor(10) { Self.docs(chat).contains { $0.rule == "r502" && $0.kind == "resolved" } }, "r502 never resolved")
        // The window (10 s) empties before the next step; the pager's 3 s pass meanwhile.
        sleep(11)
        #expect(Self.docs(pager).isEmpty, "the pager got an alert that resolved before `after`: \(Self.docs(pager).map(\.rule))")

        // 2. r500 and r503 fire; r503 is acknowledged through the CLI before its 3 s.
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5) + AccessLines.make(503, count: 5))
        #expect(Proc.waitFor(10) { Self.docs(chat).filter { $0.kind == "firing" }.count == 3 }, "chat got \(Self.docs(chat).map(\.rule))")
        let id = try #require(Proc.waitFor(5) { alert(daemon, "r503")?["alert_id"] is String } ? alert(daemon, "r503")?["alert_id"] as? String : nil,
                              "status shows no alert_id: \(String(describing: alert(daemon, "r503")))")
        #expect(alert(daemon, "r500")?["escalation"] as? [String] == ["pager"], "status: \(String(describing: alert(daemon, "r500")))")
        let ack = try cli(["ack", id, "--reason", "Ana is on it \u{1b}[31m"], dir)
        #expect(ack.status == 0 && ack.stdout.contains("acknowledged \(id)") && ack.stdout.contains("escalation to pager stopped"), "ack: \(ack.stdout) \(ack.stderr)")
        #expect(alert(daemon, "r503")?["ack_reason"] as? String == "Ana is on it \u{1b}[31m")
        #expect(alert(daemon, "r503")?["acknowledged_at"] is String && alert(daemon, "r503")?["escalation"] == nil)
        let text = try cli(["status"], dir).stdout
        #expect(text.contains("acknowledged at ") && text.contains("Ana is on it \\x1b[31m") && !text.contains("\u{1b}"), "\(text)")
        // Refusals: twice, or an alert that is not firing.
        let again = try cli(["ack", id], dir)
        #expect(again.status == 1 && again.stderr.contains("acknowledged already"), "\(again.stderr)")
        let none = try cli(["ack", "r502@1"], dir)
        #expect(none.status == 1 && none.stderr.contains("no firing alert"), "\(none.stderr)")

        #expect(Proc.waitFor(10) { Self.docs(pager).contains { $0.rule == "r500" } }, "the pager never got r500: \(daemon.stderrText)")
        let fired = try #require(Self.docs(chat).first { $0.rule == "r500" && $0.kind == "firing" })
        let escalated = try #require(Self.docs(pager).first { $0.rule == "r500" })
        #expect(escalated.t - fired.t >= 2.0, "escalated \(escalated.t - fired.t) s after chat got it")
        #expect(escalated.kind == "firing" && escalated.json["escalated_after_seconds"] as? Int == 3)
        #expect(escalated.json["idempotency_key"] as? String == fired.json["idempotency_key"] as? String)
        sleep(2)
        #expect(!Self.docs(pager).contains { $0.rule == "r503" }, "an acknowledged alert escalated")
        #expect(Self.docs(pager).count == 1)

        // 3. Calm: r500 resolves to chat and the pager (it got the firing), r503 to chat only,
        // with the acknowledgement in the notice.
        try dir.append("access.log", AccessLines.make(200, count: 600))
        #expect(Proc.waitFor(10) { Self.docs(pager).contains { $0.rule == "r500" && $0.kind == "resolved" } }, "the pager never got r500's resolved notice")
        #expect(Proc.waitFor(10) { Self.docs(chat).filter { $0.kind == "resolved" }.count == 3 }, "chat got \(Self.docs(chat).map { "\($0.rule) \($0.kind)" })")
        let resolved503 = try #require(Self.docs(chat).first { $0.rule == "r503" && $0.kind == "resolved" })
        #expect(resolved503.json["ack_reason"] as? String == "Ana is on it \u{1b}[31m" && resolved503.json["acknowledged_at"] is String)
        sleep(1)
        #expect(Self.docs(pager).map { "\($0.rule) \($0.kind)" } == ["r500 firing", "r500 resolved"], "\(Self.docs(pager).map(\.rule))")
        // Each notification once per sink.
        for rx in [chat, pager] {
            let keys = Self.docs(rx).compactMap { $0.json["idempotency_key"] as? String }
            #expect(Set(keys).count == keys.count, "sent twice: \(keys)")
        }
    }

    @Test("a maintenance window in force now mutes its rule: status lists it with its next stretches, the log says why")
    func maintenanceInForce() throws {
        let dir = try TempDir("maintenance")
        let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
        try chat.start()
        defer { chat.stop() }
        let journal = try PrivateJournal()
        try journal.start()
        defer { journal.stop() }
        // A window over the current hour and the next, in New York's wall-clock time.
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "America/New_York")!
        let hour = cal.component(.hour, from: Date())
        let span = hour >= 22 ? "\(String(format: "%02d", hour)):00-24:00" : String(format: "%02d:00-%02d:00", hour, hour + 2)
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager, extra: """
        maintenance:
          - {name: deploys, rules: [r500], every: "daily \(span)", timezone: America/New_York}
        """))
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 10)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("1 maintenance window,") && check.stdout.contains("rule r500 [critical] → journald, chat, pager after 3s"), "\(check.stdout)")
        let daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let m = try #require((try daemon.status().json["maintenance"] as? [[String: Any]])?.first)
        #expect(m["name"] as? String == "deploys" && m["in_force"] as? Bool == true && m["timezone"] as? String == "America/New_York")
        #expect((m["next"] as? [[String: Any]])?.count == 3 && (m["current"] as? [String: Any])?["end"] is String)

        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5) + AccessLines.make(502, count: 5))
        #expect(Proc.waitFor(10) { Self.docs(chat).contains { $0.rule == "r502" } }, "r502 never reached chat: \(daemon.stderrText)")
        #expect(Proc.waitFor(5) { alert(daemon, "r500")?["state"] as? String == "firing" })
        #expect(alert(daemon, "r500")?["maintenance"] as? String == "deploys" && alert(daemon, "r500")?["silenced"] as? Bool == true)
        sleep(1)
        #expect(!Self.docs(chat).contains { $0.rule == "r500" }, "a rule in maintenance reached chat")
        #expect(daemon.stderrText.contains("rule r500 firing not sent: silenced by maintenance:deploys"), "\(daemon.stderrText)")
        let text = try cli(["status"], dir).stdout
        #expect(text.contains("maintenance\n  deploys (r500; daily \(span) America/New_York): IN FORCE until "), "\(text)")

        // An unknown zone is refused at its place.
        try dir.write("bad.yaml", Self.config(dir, chat: chat, pager: pager, extra: """
        maintenance:
          - {name: deploys, rules: [r500], every: "daily 01:00-02:00", timezone: Mars/Olympus}
        """))
        let bad = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("bad.yaml")], timeout: 10)
        #expect(bad.status == 1 && bad.stdout.contains("bad.yaml:13:") && bad.stdout.contains("unknown time zone `Mars/Olympus`") || bad.stderr.contains("unknown time zone `Mars/Olympus`"),
                "\(bad.stdout) \(bad.stderr)")
    }

    @Test("a scheduled silence (--start/--end) is listed as scheduled and applies only from its start")
    func scheduledSilence() throws {
        let dir = try TempDir("scheduled")
        let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
        try chat.start()
        defer { chat.stop() }
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager))
        let journal = try PrivateJournal()
        try journal.start()
        defer { journal.stop() }
        let daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let f = ISO8601DateFormatter()
        let start = f.string(from: Date().addingTimeInterval(4)), end = f.string(from: Date().addingTimeInterval(3600))
        let add = try cli(["silence", "add", "r500", "--start", start, "--end", end, "--reason", "planned migration"], dir)
        #expect(add.status == 0 && add.stdout.contains("from \(start) until "), "\(add.stdout) \(add.stderr)")
        let listed = try cli(["silence", "list"], dir).stdout
        #expect(listed.contains("r500 from \(start) until "), "\(listed)")
        #expect(alert(daemon, "r500")?["silenced"] as? Bool == false, "in force before its start")
        #expect(Proc.waitFor(10) { alert(daemon, "r500")?["silenced"] as? Bool == true }, "never in force")
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5) + AccessLines.make(502, count: 5))
        #expect(Proc.waitFor(10) { Self.docs(chat).contains { $0.rule == "r502" } }, "r502 never reached chat")
        sleep(1)
        #expect(!Self.docs(chat).contains { $0.rule == "r500" }, "a silenced rule reached chat")
        let bad = try cli(["silence", "add", "r500", "--start", "tomorrow", "--for", "1h", "--reason", "x"], dir)
        #expect(bad.status != 0 && bad.stderr.contains("--start takes a time"), "\(bad.stderr)")
    }

    @Test("kill -9 while an escalation waits: after the restart the pager gets it once, chat nothing twice")
    func escalationSurvivesKill() throws {
        let dir = try TempDir("escalation-kill")
        let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
        try chat.start()
        try pager.start()
        defer { chat.stop(); pager.stop() }
        let journal = try PrivateJournal()
        try journal.start()
        defer { journal.stop() }
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager).replacingOccurrences(of: "after: 3s", with: "after: 6s"))
        let first = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(first.waitReady(), "daemon never answered: \(first.stderrText)")
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5))
        #expect(Proc.waitFor(10) { Self.docs(chat).contains { $0.rule == "r500" } }, "chat never got r500: \(first.stderrText)")
        first.signal(SIGKILL)
        first.process.waitUntilExit()
        #expect(Self.docs(pager).isEmpty)
        let second = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { second.stop() }
        #expect(second.waitReady(), "daemon never answered after the restart: \(second.stderrText)")
        #expect(Proc.waitFor(15) { Self.docs(pager).contains { $0.rule == "r500" } }, "the escalation was lost in the restart: \(second.stderrText)")
        sleep(2)
        #expect(Self.docs(pager).count == 1, "pager got \(Self.docs(pager).map { "\($0.rule) \($0.kind)" })")
        #expect(Self.docs(chat).filter { $0.rule == "r500" }.count == 1, "chat got r500 \(Self.docs(chat).filter { $0.rule == "r500" }.count) times")
    }

    /// A daemon whose wall clock (libfaketime) starts at `start` (UTC) and runs on from there.
    func fakeClockDaemon(_ dir: TempDir, _ journal: PrivateJournal, start: String) throws -> StatusdProcess {
        let lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
        try #require(FileManager.default.fileExists(atPath: lib), "libfaketime (Debian faketime) is needed")
        _ = journal
        return try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir, launcher: [
            "/usr/bin/env", "TZ=UTC", "LD_PRELOAD=\(lib)", "FAKETIME=@\(start)", "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_NO_CACHE=1",
        ])
    }

    /// The window's JSON in status.
    func window(_ d: StatusdProcess) -> [String: Any]? {
        ((try? d.status().json["maintenance"]) as? [[String: Any]])?.first
    }

    @Test("with the daemon's clock at the DST change: Berlin's Sun 02:00-04:00 starts at 03:00 CEST and lasts one hour; New York's Sun 01:00-03:00 lasts three")
    func acrossClockChanges() throws {
        // Berlin, 2026-03-29 00:59:50 UTC = 01:59:50 CET; at 01:00 UTC clocks go from 02:00 to 03:00.
        do {
            let dir = try TempDir("dst-berlin")
            let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
            try chat.start()
            defer { chat.stop() }
            let journal = try PrivateJournal()
            try journal.start()
            defer { journal.stop() }
            try dir.write("access.log", "")
            try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager, extra: """
            maintenance:
              - {name: night, rules: [r500, r503], every: "Sun 02:00-04:00", timezone: Europe/Berlin}
            """).replacingOccurrences(of: "access.log}", with: "access.log, time: arrival}"))
            let daemon = try fakeClockDaemon(dir, journal, start: "2026-03-29 00:59:50")
            defer { daemon.stop() }
            #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
            let before = try #require(window(daemon), "no maintenance in status")
            #expect(before["in_force"] as? Bool == false, "\(before)")
            let next = before["next"] as? [[String: Any]] ?? []
            #expect(next.first?["start"] as? String == "2026-03-29T01:00:00Z" && next.first?["end"] as? String == "2026-03-29T02:00:00Z", "\(next)")
            #expect(next.dropFirst().first?["start"] as? String == "2026-04-05T00:00:00Z" && next.dropFirst().first?["end"] as? String == "2026-04-05T02:00:00Z", "\(next)")
            // 01:59 CET: outside the window, r500 is sent.
            try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5))
            #expect(Proc.waitFor(8) { Self.docs(chat).contains { $0.rule == "r500" } }, "r500 outside the window never reached chat: \(daemon.stderrText)")
            // Past 01:00 UTC (03:00 CEST): in force until 02:00 UTC (04:00 CEST).
            #expect(Proc.waitFor(20) { window(daemon)?["in_force"] as? Bool == true }, "never in force: \(String(describing: window(daemon)))")
            #expect((window(daemon)?["current"] as? [String: Any])?["end"] as? String == "2026-03-29T02:00:00Z")
            try dir.append("access.log", AccessLines.make(503, count: 5) + AccessLines.make(502, count: 5))
            #expect(Proc.waitFor(8) { Self.docs(chat).contains { $0.rule == "r502" } }, "r502 never reached chat: \(daemon.stderrText)")
            #expect(Proc.waitFor(5) { alert(daemon, "r503")?["state"] as? String == "firing" })
            sleep(1)
            #expect(!Self.docs(chat).contains { $0.rule == "r503" }, "r503 reached chat inside the window")
            #expect(alert(daemon, "r503")?["maintenance"] as? String == "night")
        }
        // New York, 2026-11-01 05:59:55 UTC = 01:59:55 EDT; at 06:00 UTC clocks go from 02:00 EDT back to 01:00 EST.
        do {
            let dir = try TempDir("dst-newyork")
            let chat = try Receiver(dir, name: "chat"), pager = try Receiver(dir, name: "pager")
            try chat.start()
            defer { chat.stop() }
            let journal = try PrivateJournal()
            try journal.start()
            defer { journal.stop() }
            try dir.write("access.log", "")
            try dir.write("statusd.yaml", Self.config(dir, chat: chat, pager: pager, extra: """
            maintenance:
              - {name: night, rules: [r500], every: "Sun 01:00-03:00", timezone: America/New_York}
            """).replacingOccurrences(of: "access.log}", with: "access.log, time: arrival}"))
            let daemon = try fakeClockDaemon(dir, journal, start: "2026-11-01 05:59:55")
            defer { daemon.stop() }
            #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
            let w = try #require(window(daemon), "no maintenance in status")
            #expect(w["in_force"] as? Bool == true, "\(w)")
            // 01:00 EDT (05:00 UTC) to 03:00 EST (08:00 UTC): three hours.
            #expect((w["current"] as? [String: Any])?["start"] as? String == "2026-11-01T05:00:00Z", "\(w)")
            #expect((w["current"] as? [String: Any])?["end"] as? String == "2026-11-01T08:00:00Z", "\(w)")
            // After the clocks went back (01:00 EST, read a second time): still muted.
            sleep(6)
            try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 5) + AccessLines.make(502, count: 5))
            #expect(Proc.waitFor(8) { Self.docs(chat).contains { $0.rule == "r502" } }, "r502 never reached chat: \(daemon.stderrText)")
            sleep(1)
            #expect(!Self.docs(chat).contains { $0.rule == "r500" }, "r500 reached chat inside the repeated hour")
            #expect(window(daemon)?["in_force"] as? Bool == true)
        }
    }
}
