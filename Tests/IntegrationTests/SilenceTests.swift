import Foundation
import Testing

/// Silences end to end: the real daemon, the real CLI over the status socket, a real journald.
@Suite("silences, end to end", .serialized)
struct SilenceIntegrationTests {
    init() throws { try Journald.acquire() }

    /// Three 30 s rules with unique names: `quiet` (5xx, to be silenced), `loud` (502, never
    /// silenced: the proof that alerts do reach journald) and `later` (503, silenced briefly).
    struct Names {
        let quiet = "quiet-\(getpid())-\(Int.random(in: 1000...9999))"
        let loud = "loud-\(getpid())-\(Int.random(in: 1000...9999))"
        let later = "later-\(getpid())-\(Int.random(in: 1000...9999))"
    }

    func config(_ dir: TempDir, _ n: Names) -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined}
        rules:
          - {name: \(n.quiet), match: 5xx, rate_above: 10%, window: 30s, min_requests: 20, severity: critical}
          - {name: \(n.loud), match: 502, rate_above: 10%, window: 30s, min_requests: 20}
          - {name: \(n.later), match: 503, rate_above: 10%, window: 30s, min_requests: 20}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    func cli(_ args: [String], _ dir: TempDir) throws -> Proc.Output {
        try Proc.run(StatusdProcess.binary, args + ["--socket", dir.file("s.sock")], timeout: 10)
    }

    func alert(_ daemon: StatusdProcess, _ rule: String) throws -> [String: Any]? {
        (try daemon.rule(rule)?["alerts"] as? [[String: Any]])?.first
    }

    /// The alert entries (firing or resolved) of `rule`; the daemon's own log lines about it are not.
    func sent(_ pid: Int32, _ rule: String) throws -> [[String: Any]] {
        try Journald.entries(pid: pid, ["STATUSD_RULE=\(rule)"]).filter {
            ($0["MESSAGE_ID"] as? String)?.hasPrefix("6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f8") == true
        }
    }

    func silences(_ daemon: StatusdProcess) throws -> [[String: Any]] {
        try daemon.status().json["silences"] as? [[String: Any]] ?? []
    }

    @Test("a silenced rule fires without a journald entry, shows as silenced, survives a restart, can be removed, and ends on its own")
    func silenceLifecycle() throws {
        defer { Journald.release() }
        let n = Names()
        let dir = try TempDir("silence")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", config(dir, n))
        var daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let firstPID = daemon.pid

        // Refusals are the daemon's, printed by the CLI with exit 1.
        let unknown = try cli(["silence", "add", "no-such-rule", "--for", "1h", "--reason", "x"], dir)
        #expect(unknown.status == 1 && unknown.stderr.contains("no rule named `no-such-rule`"), "\(unknown.stderr)")

        let add = try cli(["silence", "add", n.quiet, "--for", "2h", "--reason", "deploy of the checkout"], dir)
        #expect(add.status == 0, "silence add: \(add.stderr)")
        let id = add.stdout.split(separator: " ").last.map { String($0.dropLast(2)) } ?? ""  // "... (id 3f9a1c0e)\n"
        #expect(id.count == 8, "id from `\(add.stdout)`")
        #expect(FileManager.default.fileExists(atPath: dir.file("state/silences.json")))

        // 20 of 40 requests are 502: both quiet (5xx) and loud (502) fire.
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(502, count: 20))
        #expect(try Journald.waitForAlert(pid: firstPID, rule: n.loud, state: "firing") != nil,
                "the unsilenced rule never reached journald: \(daemon.stderrText)")
        #expect(Proc.waitFor(10) { (try? daemon.rule(n.quiet)?["state"] as? String) == "firing" })
        #expect(try alert(daemon, n.quiet)?["silenced"] as? Bool == true)
        #expect(try alert(daemon, n.loud)?["silenced"] as? Bool == false)
        let listed = try silences(daemon)
        #expect(listed.count == 1)
        #expect(listed.first?["id"] as? String == id && listed.first?["rule"] as? String == n.quiet)
        #expect(listed.first?["reason"] as? String == "deploy of the checkout")
        #expect(listed.first?["until"] is String && listed.first?["created_at"] is String)
        let text = try cli(["status"], dir).stdout
        #expect(text.contains("\(n.quiet): FIRING") && text.contains(", silenced"), "\(text)")
        #expect(text.contains("silences\n  \(id)  \(n.quiet) until "), "\(text)")
        sleep(1)
        #expect(try sent(firstPID, n.quiet).isEmpty, "a silenced alert reached journald")
        // The log says why it was not sent.
        #expect(try Journald.entries(pid: firstPID, ["STATUSD_RULE=\(n.quiet)"]).contains {
            ($0["MESSAGE"] as? String) == "rule \(n.quiet) firing not sent: silenced by \(id)"
        })

        // A restart keeps the silence.
        #expect(daemon.stop() == 0)
        daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady(), "daemon never answered after the restart: \(daemon.stderrText)")
        let list = try cli(["silence", "list"], dir)
        #expect(list.status == 0 && list.stdout.hasPrefix("\(id)  \(n.quiet) until "), "\(list.stdout)")
        #expect(try silences(daemon).count == 1)

        // Removed: gone from the list and from status.
        let remove = try cli(["silence", "remove", id], dir)
        #expect(remove.status == 0 && remove.stdout.contains("removed silence \(id)"), "\(remove.stderr)")
        #expect(try cli(["silence", "list"], dir).stdout == "no silences in force\n")
        #expect(try silences(daemon).isEmpty)
        #expect(try alert(daemon, n.quiet)?["silenced"] as? Bool == false)
        let again = try cli(["silence", "remove", id], dir)
        #expect(again.status == 1 && again.stderr.contains("no silence \(id)"))

        // A silence that has ended no longer applies: `later` fires after it and is sent.
        #expect(try cli(["silence", "add", n.later, "--for", "3s", "--reason", "short"], dir).status == 0)
        #expect(try alert(daemon, n.later)?["silenced"] as? Bool == true)
        #expect(Proc.waitFor(10) { ((try? silences(daemon)) ?? [[:]]).isEmpty }, "the 3 s silence never ended")
        try dir.append("access.log", AccessLines.make(200, count: 20) + AccessLines.make(503, count: 20))
        #expect(try Journald.waitForAlert(pid: daemon.pid, rule: n.later, state: "firing") != nil,
                "an ended silence still kept the alert quiet: \(daemon.stderrText)")
        #expect(try alert(daemon, n.later)?["silenced"] as? Bool == false)
        #expect(try sent(daemon.pid, n.quiet).isEmpty)
    }
}
