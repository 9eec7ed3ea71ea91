import Foundation
import Testing

/// Secrets never echoed and outside text never raw, end to end: the real daemon and CLI, a real
/// journald read back with journalctl, the metrics listener over real TCP on 127.0.0.1.
@Suite("secrets and hostile text, end to end", .serialized)
struct HostileTextTests {
    init() throws { try Journald.acquire() }

    static let slackURL = "https://hooks.slack.com/services/T0HOSTILE/B0HOSTILE/zQ9SECRETtokenQ9z"
    static let signing = "hostile-signing-secret-0123456789"

    /// What a terminal would act on, or a reader would be fooled by.
    static func raw(_ s: String) -> [String] {
        var found: [String] = []
        for u in s.unicodeScalars {
            let v = u.value
            if (v < 0x20 && v != 0x0A) || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                found.append(String(v, radix: 16))
            }
        }
        return found
    }

    func config(_ dir: TempDir, extra: String = "") -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined}
          - {name: api, path: \(dir.file("api.log")), format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 10%, window: 30s, min_requests: 20, group_by: input, sinks: [ops]}
          - {name: plain, match: 502, rate_above: 10%, window: 30s, min_requests: 20}
        sinks:
          - name: ops
            type: webhook
            url: \(Self.slackURL)
            secret: \(Self.signing)
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        \(extra)
        """
    }

    func cli(_ args: [String], _ dir: TempDir) throws -> Proc.Output {
        try Proc.run(StatusdProcess.binary, args + ["--socket", dir.file("s.sock")], timeout: 10)
    }

    @Test("silences with ESC, CR, BEL, newlines and U+202E print none of them raw; groups must fit the rule; 1,000 at most")
    func hostileSilences() throws {
        defer { Journald.release() }
        let dir = try TempDir("hostile-silence")
        try dir.write("access.log", "")
        try dir.write("api.log", "")
        try dir.write("statusd.yaml", config(dir))
        // A silences file written before groups were checked, with a hostile group: it still prints safely.
        let hostile = "ok\u{1B}]0;owned\u{07}\r\nFIRING fake-rule\u{1B}[2J\u{202E}evil"
        try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        let until = Int(Date().timeIntervalSince1970) + 3600
        let file: [String: Any] = ["silences": [["id": "0badc0de", "rule": "server-errors", "group": hostile, "until": until,
                                                  "reason": hostile, "created_at": until - 60]], "quiet_episodes": []]
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: dir.file("state/silences.json")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        let add = try cli(["silence", "add", "server-errors", "--group", "web", "--for", "1h", "--reason", hostile], dir)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(Self.raw(add.stdout + add.stderr).isEmpty)

        // A group the rule cannot have, a rule without group_by, a hostile group: refused, and the refusal is clean.
        for (rule, group, why) in [("server-errors", "nope", "groups by input"), ("plain", "web", "no `group_by`"),
                                   ("server-errors", hostile, "control")] {
            let r = try cli(["silence", "add", rule, "--group", group, "--for", "1h", "--reason", "x"], dir)
            #expect(r.status == 1 && r.stderr.contains(why), "\(rule) \(group): \(r.stderr)")
            #expect(Self.raw(r.stdout + r.stderr).isEmpty, "\(r.stderr)")
        }
        let tooLong = try cli(["silence", "add", "server-errors", "--for", "1h", "--reason", String(repeating: "x", count: 501)], dir)
        #expect(tooLong.status == 1 && tooLong.stderr.contains("500 bytes"))

        let list = try cli(["silence", "list"], dir)
        #expect(list.status == 0)
        #expect(Self.raw(list.stdout).isEmpty, "raw characters in silence list: \(Self.raw(list.stdout))")
        #expect(list.stdout.contains("\\x1b]0;owned\\x07\\x0d\\x0aFIRING fake-rule\\x1b[2J\\u{202E}evil"), "\(list.stdout)")
        #expect(list.stdout.split(separator: "\n").count == 2, "one line per silence: \(list.stdout)")
        let json = try cli(["silence", "list", "--json"], dir)
        #expect(Self.raw(json.stdout).isEmpty)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "silence list --json is not JSON any more")

        let status = try cli(["status"], dir)
        #expect(Self.raw(status.stdout).isEmpty, "raw characters in status: \(Self.raw(status.stdout))")
        #expect(!status.stdout.split(separator: "\n").contains { $0.hasPrefix("FIRING") }, "a forged status line")
        let statusJSON = try cli(["status", "--json"], dir)
        #expect(Self.raw(statusJSON.stdout).isEmpty)
        // The daemon's own log of the silence it added: escaped too.
        #expect(Self.raw(daemon.stderrText).isEmpty, "raw characters in the daemon's log")
    }

    @Test("at most 1,000 silences in force")
    func silenceLimit() throws {
        defer { Journald.release() }
        let dir = try TempDir("silence-limit")
        try dir.write("access.log", "")
        try dir.write("api.log", "")
        try dir.write("statusd.yaml", config(dir))
        try FileManager.default.createDirectory(atPath: dir.file("state"), withIntermediateDirectories: true)
        let until = Int(Date().timeIntervalSince1970) + 3600
        let many = (0..<1000).map { ["id": String(format: "%08x", $0), "rule": "plain", "until": until, "reason": "r", "created_at": until - 60] as [String: Any] }
        try JSONSerialization.data(withJSONObject: ["silences": many, "quiet_episodes": []] as [String: Any])
            .write(to: URL(fileURLWithPath: dir.file("state/silences.json")))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let r = try cli(["silence", "add", "plain", "--for", "1h", "--reason", "one more"], dir)
        #expect(r.status == 1 && r.stderr.contains("1000 silences are in force"), "\(r.stderr)")
        let removed = try cli(["silence", "remove", "00000007"], dir)
        #expect(removed.status == 0)
        let again = try cli(["silence", "add", "plain", "--for", "1h", "--reason", "one more"], dir)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test("check on a config with two duplicate keys names both lines and prints no secret; a failed reload leaves none in status, log or journal")
    func duplicateKeysReload() throws {
        defer { Journald.release() }
        let dir = try TempDir("dup-reload")
        try dir.write("access.log", "")
        try dir.write("api.log", "")
        try dir.write("statusd.yaml", config(dir))
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        // Two duplicates, lines 13 (`url`) and 16 (`secret`), inline secrets all around.
        var lines = config(dir).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let urlAt = lines.firstIndex { $0.contains("url: ") }!
        lines.insert("    url: \(Self.slackURL)", at: urlAt + 1)
        let secretAt = lines.firstIndex { $0.contains("secret: ") }!
        lines.insert("    secret: \(Self.signing)", at: secretAt + 1)
        try dir.write("statusd.yaml", lines.joined(separator: "\n"))

        let bad = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20)
        let out = bad.stdout + bad.stderr
        #expect(bad.status == 1)
        #expect(out.contains("statusd.yaml:\(urlAt + 2):5: key `url`"), "\(out)")
        #expect(out.contains("statusd.yaml:\(secretAt + 2):5: key `secret`"), "\(out)")
        for secret in ["zQ9SECRETtokenQ9z", Self.signing, "hooks.slack.com"] { #expect(!out.contains(secret), "check printed a secret: \(out)") }

        daemon.signal(SIGHUP)
        var report = ""
        #expect(Proc.waitFor(10) {
            report = (try? cli(["status"], dir).stdout) ?? ""
            return report.contains("last reload FAILED")
        }, "no failed reload in status: \(report)")
        let json = try cli(["status", "--json"], dir).stdout
        #expect(json.contains("last_reload_error"))
        var journal = ""
        #expect(Proc.waitFor(10) {
            journal = (try? Proc.run("/usr/bin/journalctl", ["-o", "json", "--no-pager", "_PID=\(daemon.pid)"], timeout: 10).stdout) ?? ""
            return journal.contains("reload failed")
        }, "the failed reload never reached the journal")
        for (place, text) in [("status", report), ("status --json", json), ("stderr log", daemon.stderrText), ("journal", journal)] {
            for secret in ["zQ9SECRETtokenQ9z", Self.signing, "hooks.slack.com/services"] {
                #expect(!text.contains(secret), "\(place) holds a secret")
            }
        }
        #expect(journal.contains("key `url`"), "the journal does not say which key")
    }

    @Test("metrics: no credentials 401 with a challenge, right ones 200, an allow list without 127.0.0.1 403, with it 200")
    func metricsAccess() throws {
        defer { Journald.release() }
        func get(_ port: Int, auth: String?) -> String {
            guard let c = RawConnection(tcpPort: port) else { return "" }
            c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n" + (auth.map { "Authorization: \($0)\r\n" } ?? "") + "\r\n")
            return c.readAll(timeout: 5).text
        }
        let basic = "Basic " + Data("prom:pw-0123456789".utf8).base64EncodedString()
        for (allow, wantAllowed) in [("", true), ("allow: [10.0.0.0/8, \"::1\"]", false), ("allow: [10.0.0.0/8, 127.0.0.0/8]", true)] {
            let dir = try TempDir("metrics-auth")
            try dir.write("access.log", "")
            try dir.write("api.log", "")
            let port = freeLoopbackPort()
            try dir.write("statusd.yaml", config(dir, extra: """
            metrics:
              listen: 127.0.0.1:\(port)
              basic_auth: {username: prom, password: pw-0123456789}
              \(allow)
            """))
            let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
            defer { daemon.stop() }
            #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
            #expect(Proc.waitFor(10) { RawConnection(tcpPort: port) != nil })
            let none = get(port, auth: nil), wrong = get(port, auth: "Basic " + Data("prom:pw-012345678".utf8).base64EncodedString())
            let right = get(port, auth: basic)
            if wantAllowed {
                #expect(none.hasPrefix("HTTP/1.1 401") && none.lowercased().contains("www-authenticate: basic realm="), "\(none)")
                #expect(wrong.hasPrefix("HTTP/1.1 401"), "\(wrong)")
                #expect(right.hasPrefix("HTTP/1.1 200") && right.contains("statusd_"), "\(right.prefix(300))")
            } else {
                for r in [none, wrong, right] { #expect(r.hasPrefix("HTTP/1.1 403"), "\(r.prefix(300))") }
            }
            #expect(!daemon.stderrText.contains("pw-0123456789"))
        }
        // Bearer token from a file, which check warns about while others can read it.
        let dir = try TempDir("metrics-bearer")
        try dir.write("access.log", "")
        try dir.write("api.log", "")
        try dir.write("token", "tok-abcdefghijkl\n")
        chmod(dir.file("token"), 0o644)
        let port = freeLoopbackPort()
        try dir.write("statusd.yaml", config(dir, extra: "metrics: {listen: \"127.0.0.1:\(port)\", bearer_token_file: \(dir.file("token"))}"))
        chmod(dir.file("statusd.yaml"), 0o600)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20)
        #expect(check.stdout.contains("metrics bearer_token_file \(dir.file("token")) can be read by others"), "\(check.stdout)")
        #expect(!check.stdout.contains("tok-abcdefghijkl"))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        #expect(Proc.waitFor(10) { RawConnection(tcpPort: port) != nil })
        #expect(get(port, auth: "Bearer tok-abcdefghijkl").hasPrefix("HTTP/1.1 200"))
        let refused = get(port, auth: "Bearer tok-abcdefghijkm")
        #expect(refused.hasPrefix("HTTP/1.1 401") && refused.lowercased().contains("www-authenticate: bearer"))
    }
}

/// A real Prometheus scraping statusd's metrics listener with basic authentication.
@Suite("metrics with basic auth, scraped by a real Prometheus", .serialized)
struct PrometheusBasicAuthTests {
    init() throws { try Journald.acquire() }

    @Test("Prometheus with the right credentials scrapes (up 1); with wrong ones it is refused (up 0)")
    func scrapeWithBasicAuth() throws {
        defer { Journald.release() }
        try #require(PrometheusServer.isInstalled, "Debian's prometheus package is not installed")
        let dir = try TempDir("prom-auth")
        try dir.write("access.log", "")
        let port = freeLoopbackPort()
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 10%, window: 30s}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        metrics:
          listen: 127.0.0.1:\(port)
          allow: [127.0.0.0/8]
          basic_auth: {username: prom, password: scrape-pw-0123}
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        for (password, up) in [("scrape-pw-0123", 1.0), ("scrape-pw-0124", 0.0)] {
            let pdir = try TempDir("prom-auth-p")
            let prometheus = try PrometheusServer(scraping: ["127.0.0.1:\(port)"], dir: pdir, basicAuth: ("prom", password))
            defer { prometheus.stop() }
            #expect(prometheus.waitReady(), "prometheus never got ready: \(prometheus.logText.suffix(2000))")
            var seen: [Double] = []
            #expect(Proc.waitFor(30) {
                seen = (try? prometheus.query("up{job=\"statusd\"}").map(\.value)) ?? []
                return seen == [up]
            }, "up is \(seen), expected \(up)")
            if up == 1 {
                #expect(Proc.waitFor(15) { (try? prometheus.query("statusd_build_info").count) == 1 })
            }
        }
        #expect(!daemon.stderrText.contains("scrape-pw-0123"))
    }
}
