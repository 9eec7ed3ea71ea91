import Foundation
import Testing

/// statusd tells on itself: each degradation with the real binary, a private journald and a
/// webhook receiver on 127.0.0.1. For each: the status headline and exit code, the `health` entry,
/// the self-alert after `health.alert_after` (2 s here) through the sinks that work (exactly one
/// firing and one resolved), and recovery once the cause is gone.
@Suite("statusd's own health", .serialized)
struct HealthTests {
    static func config(_ dir: TempDir, receiver: Receiver, input: String? = nil, hookExtra: String = "") -> String {
        """
        inputs:
          - {name: web, path: \(input ?? dir.file("access.log")), start_at: beginning}
        rules:
          - {name: errors, match: 5xx, rate_above: 10%, guard: none, window: 10s, min_requests: 5}
        sinks:
          - {name: hook, type: webhook, url: "\(receiver.url("/hook"))"\(hookExtra)}
        health: {alert_after: 2s, events_for: 8s}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    struct Run {
        let dir: TempDir
        let journal: PrivateJournal
        let receiver: Receiver
        var daemon: StatusdProcess

        /// `inotifyWatches`: run statusd in a user namespace of its own whose inotify watch limit
        /// (`/proc/sys/user/max_inotify_watches`, per user namespace) is this, so the machine's
        /// limit is never touched.
        init(_ label: String, input: String? = nil, receiverMode: String = "ok", hookExtra: String = "", inotifyWatches: Int? = nil, beforeStart: (TempDir, PrivateJournal) throws -> Void = { _, _ in }) throws {
            dir = try TempDir(label)
            journal = try PrivateJournal()
            try journal.start()
            receiver = try Receiver(dir, mode: receiverMode)
            try receiver.start()
            try dir.write("access.log", "")
            try dir.write("statusd.yaml", HealthTests.config(dir, receiver: receiver, input: input, hookExtra: hookExtra))
            try beforeStart(dir, journal)
            if let watches = inotifyWatches {
                let script = "echo \(watches) > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\""
                daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir,
                                            launcher: ["/usr/bin/nsenter"] + journal.enter + ["/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c", script])
            } else {
                daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
            }
        }

        mutating func restart() throws {
            daemon.stop()
            daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        }

        /// The `health` entries of `kind`.
        func entries(_ kind: String) -> [[String: Any]] {
            let health = (try? daemon.status().json["health"]) as? [String: Any]
            return (health?["degradations"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == kind }
        }

        func exitCode() -> Int32? { try? daemon.status().exit }

        /// `statusd status` as a person reads it.
        func text() -> String {
            (try? Proc.run(StatusdProcess.binary, ["status", "--socket", dir.file("s.sock")], timeout: 10).stdout) ?? ""
        }

        /// Self-alert webhooks for `kind`: the firing and resolved documents the receiver took.
        func selfAlerts(_ kind: String) -> [String] {
            receiver.delivered(path: "/hook").compactMap { r -> String? in
                guard let j = r.json, j["rule"] as? String == "statusd-health",
                      (j["group"] as? String)?.hasPrefix(kind) == true else { return nil }
                return j["kind"] as? String
            }
        }

        /// Self-alert journald entries for `kind` (`firing`, `resolved`).
        func journalAlerts(_ kind: String) -> [String] {
            ((try? journal.entries(["STATUSD_RULE=statusd-health"])) ?? []).compactMap { e -> String? in
                guard (e["STATUSD_GROUP"] as? String)?.hasPrefix(kind) == true else { return nil }
                return e["STATUSD_STATE"] as? String
            }
        }

        /// Degraded with `kind`: headline, exit code, the entry; then paged once through the
        /// working sinks after alert_after.
        func expectDegraded(_ kind: String, viaHook: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(Proc.waitFor(15) { !entries(kind).isEmpty }, "no \(kind) in health: \((try? daemon.status().json["health"]) as Any); stderr: \(daemon.stderrText)", sourceLocation: sourceLocation)
            let e = entries(kind).first ?? [:]
            #expect(e["since"] as? String != nil && !(e["detail"] as? String ?? "").isEmpty, "\(e)", sourceLocation: sourceLocation)
            #expect((exitCode() ?? 0) >= 1, sourceLocation: sourceLocation)
            let t = text()
            #expect(t.contains(": DEGRADED") && t.contains(kind), "\(t)", sourceLocation: sourceLocation)
            #expect(Proc.waitFor(15) { journalAlerts(kind) == ["firing"] }, "journal: \(journalAlerts(kind))", sourceLocation: sourceLocation)
            if viaHook {
                #expect(Proc.waitFor(10) { selfAlerts(kind) == ["firing"] }, "hook: \(selfAlerts(kind))", sourceLocation: sourceLocation)
            }
            #expect(entries(kind).first?["alerted"] as? Bool == true, sourceLocation: sourceLocation)
        }

        /// Recovered: no entry, exit 0, `OK`, and exactly one resolved after the one firing.
        func expectRecovered(_ kind: String, viaHook: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(Proc.waitFor(20) { entries(kind).isEmpty && exitCode() == 0 }, "still: \(entries(kind)); exit \(exitCode() as Any)", sourceLocation: sourceLocation)
            #expect(text().contains(": OK,"), "\(text())", sourceLocation: sourceLocation)
            #expect(Proc.waitFor(15) { journalAlerts(kind) == ["firing", "resolved"] }, "journal: \(journalAlerts(kind))", sourceLocation: sourceLocation)
            if viaHook {
                #expect(Proc.waitFor(10) { selfAlerts(kind) == ["firing", "resolved"] }, "hook: \(selfAlerts(kind))", sourceLocation: sourceLocation)
            }
            // Nothing more comes.
            Thread.sleep(forTimeInterval: 3)
            #expect(journalAlerts(kind) == ["firing", "resolved"], sourceLocation: sourceLocation)
            if viaHook { #expect(selfAlerts(kind) == ["firing", "resolved"], sourceLocation: sourceLocation) }
        }
    }

    @Test("a full state disk (a 1 MB tmpfs as state_dir): degraded until space is freed, counts then saved")
    func fullStateDisk() throws {
        var stateDir = ""
        var enter: [String] = []
        let run = try Run("fullstate") { dir, journal in
            stateDir = dir.file("state")
            enter = journal.enter
            try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
            // Mounted in the daemon's mount namespace; gone with it, and unmounted below.
            let m = try Proc.run("/usr/bin/nsenter", journal.enter + ["/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", stateDir])
            try #require(m.status == 0, "mount: \(m.stderr)")
        }
        defer {
            run.daemon.stop()
            _ = try? Proc.run("/usr/bin/nsenter", enter + ["/bin/umount", stateDir], timeout: 10)
        }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        try run.dir.append("access.log", AccessLines.make(200, count: 10))
        #expect(Proc.waitFor(10) { (try? run.daemon.counts("web")["2xx"]) == 10 })
        #expect(run.entries("state_not_writable").isEmpty && run.exitCode() == 0)
        // Fill the disk: dd stops at ENOSPC.
        _ = try Proc.run("/usr/bin/nsenter", enter + ["/bin/dd", "if=/dev/zero", "of=\(stateDir)/filler", "bs=4k"], timeout: 20)
        try run.dir.append("access.log", AccessLines.make(200, count: 5))
        run.expectDegraded("state_not_writable")
        let detail = run.entries("state_not_writable").first?["detail"] as? String ?? ""
        #expect(detail.contains("No space left on device") || detail.contains("ENOSPC") || detail.contains("space"), "\(detail)")
        #expect((try? run.daemon.counts("web")["2xx"]) == 15)
        _ = try Proc.run("/usr/bin/nsenter", enter + ["/bin/rm", "-f", "\(stateDir)/filler"], timeout: 10)
        run.expectRecovered("state_not_writable")
        // The state file holds the counts again.
        let saved = try Proc.run("/usr/bin/nsenter", enter + ["/bin/cat", "\(stateDir)/state.json"], timeout: 10).stdout
        #expect(saved.contains("\"200\":15"), "\(saved.prefix(300))")
    }

    @Test("a corrupt state file: resumed from the previous generation, nothing lost or counted twice, reported")
    func corruptState() throws {
        var run = try Run("corrupt")
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        try run.dir.append("access.log", AccessLines.make(200, count: 30))
        #expect(Proc.waitFor(10) { (try? run.daemon.counts("web")["2xx"]) == 30 })
        run.daemon.stop()
        let state = run.dir.file("state/state.json")
        #expect(FileManager.default.fileExists(atPath: state + ".prev"))
        // Written while statusd was down, then the newest state file is damaged.
        try run.dir.append("access.log", AccessLines.make(200, count: 10))
        try "{\"inputs\":{\"web\":{\"codes\":{\"200\":3".write(toFile: state, atomically: false, encoding: .utf8)
        try run.restart()
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        run.expectDegraded("state_corrupt")
        let detail = run.entries("state_corrupt").first?["detail"] as? String ?? ""
        #expect(detail.contains("previous generation"), "\(detail)")
        // Re-read from the previous generation's offsets: every line once.
        #expect((try? run.daemon.counts("web")["2xx"]) == 40)
        // The event stays listed for events_for (8 s), then statusd is OK again.
        run.expectRecovered("state_corrupt")
        #expect((try? run.daemon.counts("web")["2xx"]) == 40)
    }

    @Test("a corrupt state file with no previous generation says the totals were reset")
    func corruptStateNoPrevious() throws {
        var run = try Run("corrupt0")
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        try run.dir.append("access.log", AccessLines.make(200, count: 5))
        #expect(Proc.waitFor(10) { (try? run.daemon.counts("web")["2xx"]) == 5 })
        run.daemon.stop()
        try? FileManager.default.removeItem(atPath: run.dir.file("state/state.json.prev"))
        try "garbage".write(toFile: run.dir.file("state/state.json"), atomically: false, encoding: .utf8)
        try run.restart()
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        #expect(Proc.waitFor(10) { !run.entries("state_corrupt").isEmpty })
        let detail = run.entries("state_corrupt").first?["detail"] as? String ?? ""
        #expect(detail.contains("totals and windows reset") && detail.contains("start_at"), "\(detail)")
        #expect(run.exitCode() == 1)
    }

    @Test("a failed reload: degraded while the bad config stands, recovered by a good reload")
    func failedReload() throws {
        let run = try Run("reload")
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        let good = try String(contentsOfFile: run.dir.file("statusd.yaml"), encoding: .utf8)
        try run.dir.write("statusd.yaml", good + "\nbogus_key: 1\n")
        run.daemon.signal(SIGHUP)
        run.expectDegraded("reload_failed")
        #expect((run.entries("reload_failed").first?["detail"] as? String ?? "").contains("bogus_key"))
        try run.dir.write("statusd.yaml", good)
        run.daemon.signal(SIGHUP)
        run.expectRecovered("reload_failed")
    }

    @Test("an unreadable input (its path a symlink loop: ELOOP even for root): degraded until it is a file")
    func unreadableInput() throws {
        let dir0 = try TempDir("unreadable-logs")
        let log = dir0.file("loop.log")
        // A symlink to itself: stat fails with ELOOP whatever the permissions (the tests run as root).
        #expect(symlink(log, log) == 0)
        let run = try Run("unreadable", input: log)
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        run.expectDegraded("input_unreadable")
        let e = run.entries("input_unreadable").first ?? [:]
        #expect(e["subject"] as? String == log && (e["detail"] as? String ?? "").contains("input web"), "\(e)")
        unlink(log)
        try dir0.write("loop.log", AccessLines.make(200, count: 7))
        run.expectRecovered("input_unreadable")
        #expect((try? run.daemon.counts("web")["2xx"]) == 7)
    }

    @Test("a sink held by 429 Retry-After: 3600: degraded with its next attempt and queue age; a reload retries at once")
    func sinkRetryAfter() throws {
        let run = try Run("retryafter", receiverMode: "429:3600")
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        // The rule fires and resolves: two notifications wait for the hook, no rule is firing.
        try run.dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 10))
        #expect(Proc.waitFor(15) { run.receiver.requests().contains { $0.status == 429 } })
        try run.dir.append("access.log", AccessLines.make(200, count: 600))
        #expect(Proc.waitFor(20) { (try? run.daemon.rule("errors")?["state"] as? String) == "ok" })
        run.expectDegraded("sink_retrying", viaHook: false)
        let e = run.entries("sink_retrying").first ?? [:]
        #expect(e["subject"] as? String == "hook")
        let next = try #require(e["next_attempt_at"] as? String)
        let nextDate = try #require(ISO8601DateFormatter().date(from: next))
        #expect(nextDate.timeIntervalSinceNow > 3000, "next attempt \(next)")
        #expect((e["oldest_queued_seconds"] as? Int ?? -1) >= 2)
        // The self-alert did not go through the held sink.
        #expect(run.receiver.delivered().isEmpty)
        #expect(run.exitCode() == 1)
        // The receiver is fixed and the config reloaded: the queue goes out now, not in an hour.
        run.receiver.mode("ok")
        run.daemon.signal(SIGHUP)
        #expect(Proc.waitFor(15) { run.receiver.delivered(path: "/hook").filter { $0.json?["rule"] as? String == "errors" }.count == 2 },
                "delivered: \(run.receiver.delivered().count); stderr: \(run.daemon.stderrText)")
        run.expectRecovered("sink_retrying", viaHook: false)
        // The hook worked again when statusd-health resolved: the resolved notice went where the firing went (journald only).
        #expect(run.selfAlerts("sink_retrying").isEmpty)
    }

    @Test("notifications given up (max_age 1m against a receiver answering 503): listed, paged through journald, then recovered")
    func givenUp() throws {
        let run = try Run("givenup", receiverMode: "503", hookExtra: ", max_age: 1m")
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        try run.dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(500, count: 10))
        #expect(Proc.waitFor(15) { run.receiver.requests().contains { $0.status == 503 } })
        try run.dir.append("access.log", AccessLines.make(200, count: 600))
        #expect(Proc.waitFor(20) { (try? run.daemon.rule("errors")?["state"] as? String) == "ok" })
        // While they wait, the sink is retrying; once they are older than max_age they are given up on.
        #expect(!run.entries("sink_retrying").isEmpty)
        #expect(Proc.waitFor(120) { !run.entries("notifications_given_up").isEmpty }, "stderr: \(run.daemon.stderrText)")
        let e = run.entries("notifications_given_up").first ?? [:]
        #expect(e["subject"] as? String == "hook" && (e["detail"] as? String ?? "").contains("never delivered"), "\(e)")
        run.expectDegraded("notifications_given_up", viaHook: false)
        #expect(Proc.waitFor(10) { run.entries("sink_retrying").isEmpty }, "nothing queued: nothing retried")
        // Listed for events_for (8 s) after the latest, then OK; one firing and one resolved.
        run.expectRecovered("notifications_given_up", viaHook: false)
    }

    @Test("inotify watches exhausted (a user namespace whose limit is 0): degraded, lines still counted by polling; recovered once the limit is raised")
    func inotifyExhausted() throws {
        let run = try Run("inotify", inotifyWatches: 0)
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "stderr: \(run.daemon.stderrText)")
        run.expectDegraded("inotify_exhausted")
        #expect((run.entries("inotify_exhausted").first?["detail"] as? String ?? "").contains(run.dir.path))
        // Polled: the lines are counted all the same.
        try run.dir.append("access.log", AccessLines.make(200, count: 9))
        #expect(Proc.waitFor(10) { (try? run.daemon.counts("web")["2xx"]) == 9 })
        // The limit is raised in statusd's user namespace: the next full scan (10 s) places the watch.
        let raise = try Proc.run("/usr/bin/nsenter", ["-t", String(run.daemon.pid), "-U", "--", "/bin/sh", "-c", "echo 1000 > /proc/sys/user/max_inotify_watches"], timeout: 10)
        try #require(raise.status == 0, "raise: \(raise.stderr)")
        run.expectRecovered("inotify_exhausted")
    }
}
