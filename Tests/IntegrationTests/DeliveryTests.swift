import Foundation
import Testing

/// Alerts that cannot be lost: a transition waits in the durable outbox until journald has it,
/// across journald being down and across `kill -9` of statusd. Each test runs its own journald in
/// a private mount namespace, so stopping it disturbs no other test.
@Suite("durable alert delivery", .serialized)
struct DeliveryTests {
    func config(_ dir: TempDir, rule: String) -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log"))}
        rules:
          - {name: \(rule), match: 5xx, rate_above: 10%, window: 5m, min_requests: 20, severity: critical}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    /// A log, a config with a uniquely named rule, and a daemon in `journal`'s namespace that has
    /// just seen an outage (20 of 40 requests failing).
    func startWithOutage(_ journal: PrivateJournal, _ name: String) throws -> (dir: TempDir, rule: String, daemon: StatusdProcess) {
        let dir = try TempDir(name)
        let rule = "\(name)-\(getpid())-\(Int.random(in: 1000...9999))"
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir, rule: rule))
        let daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(502, count: 20))
        return (dir, rule, daemon)
    }

    func sink(_ daemon: StatusdProcess) throws -> [String: Any]? {
        (try daemon.status().json["sinks"] as? [[String: Any]])?.first { $0["name"] as? String == "journal" }
    }

    @Test("journald down while a rule fires: the entry appears once journald is back, once")
    func journaldDown() throws {
        let journal = try PrivateJournal()
        // journald is not running: statusd starts without it.
        let (dir, rule, daemon) = try startWithOutage(journal, "jdown")
        defer { daemon.stop(); withExtendedLifetime(dir) {} }
        #expect(Proc.waitFor(15) { (try? daemon.rule(rule)?["state"] as? String) == "firing" })
        // The notification waits: the sink is retrying, one queued, and status warns.
        #expect(Proc.waitFor(10) { (try? sink(daemon)?["state"] as? String) == "retrying" })
        let waiting = try sink(daemon)
        #expect(waiting?["queued"] as? Int == 1)
        #expect((waiting?["last_error"] as? String)?.contains("journald") == true)
        #expect(try daemon.status().exit == 2)

        try journal.start()
        var entries: [[String: Any]] = []
        #expect(Proc.waitFor(20) {
            entries = (try? journal.entries(["STATUSD_RULE=\(rule)", "STATUSD_STATE=firing"])) ?? []
            return !entries.isEmpty
        }, "no firing entry after journald came back; stderr: \(daemon.stderrText)")
        #expect(Proc.waitFor(5) { (try? sink(daemon)?["queued"] as? Int) == 0 })
        sleep(2)
        entries = try journal.entries(["STATUSD_RULE=\(rule)"])
        #expect(entries.count == 1, "exactly one entry: \(entries.count)")
        #expect(entries.first?["STATUSD_SEQUENCE"] as? String == "1")
        #expect((entries.first?["STATUSD_ALERT_ID"] as? String)?.hasPrefix("\(rule)@") == true)
        #expect(try sink(daemon)?["delivered"] as? Int == 1)
        #expect(try sink(daemon)?["state"] as? String == "ok")
    }

    @Test("kill -9 while a notification waits, then a restart: delivered exactly once")
    func killWhilePending() throws {
        let journal = try PrivateJournal()
        let (dir, rule, first) = try startWithOutage(journal, "jkill")
        #expect(Proc.waitFor(15) { (try? sink(first)?["queued"] as? Int) == 1 })
        first.signal(SIGKILL)
        first.process.waitUntilExit()

        try journal.start()
        let second = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { second.stop(); withExtendedLifetime(dir) {} }
        #expect(second.waitReady(), "daemon never answered: \(second.stderrText)")
        #expect(Proc.waitFor(20) { ((try? journal.entries(["STATUSD_RULE=\(rule)"])) ?? []).count >= 1 },
                "the queued firing was not delivered after the restart; stderr: \(second.stderrText)")
        // The restored state is firing: no second page, and the queue is empty.
        #expect(Proc.waitFor(5) { (try? sink(second)?["queued"] as? Int) == 0 })
        #expect(try second.rule(rule)?["state"] as? String == "firing")
        sleep(2)
        let entries = try journal.entries(["STATUSD_RULE=\(rule)"])
        #expect(entries.count == 1, "exactly one entry: \(entries.count)")
        #expect(entries.first?["STATUSD_STATE"] as? String == "firing")
        #expect(entries.first?["STATUSD_CODES"] as? String == "502:20")
    }
}
