import Foundation
import Testing

/// PagerDuty, Opsgenie, ntfy, Telegram and Matrix against receivers on 127.0.0.1 that answer as
/// the services document and keep their idempotency state (`receiver.py`); email against a real
/// SMTP server (`smtpd.py`, Debian's python3-aiosmtpd) read back from its Maildir. The real
/// binary, each test in its own journald namespace; everything stopped by PID.
@Suite("paging, push and mail sinks", .serialized)
struct ServiceSinkTests {
    typealias S = SinkDeliveryTests
    static let pdKey = "PDKEYSECRET0123456789"
    static let ogKey = "OGKEYSECRET-abcdef"
    static let ntfyToken = "tk_NTFYSECRET42"
    static let tgToken = "12345:TGSECRETabc"
    static let mxToken = "syt_MXSECRET_77"
    static let smtpPassword = "SMTPSECRET-pw9"
    static var secrets: [String] { [pdKey, ogKey, ntfyToken, "TGSECRETabc", mxToken, smtpPassword] }
    static let runbook = "https://wiki.example/rb/{rule}?host={host}"

    /// `SinkDeliveryTests`' rules with a runbook each.
    static func config(_ dir: TempDir, sinks: String, codes: [Int] = [500], limit: String = "10%") -> String {
        let rules = codes.map {
            "  - {name: r\($0), match: \($0), rate_above: \(limit), guard: none, window: 10s, min_requests: 5, severity: critical, runbook: \"\(runbook)\"}"
        }.joined(separator: "\n")
        return """
        inputs:
          - {name: web, path: \(dir.file("access.log"))}
        rules:
        \(rules)
        sinks:
        \(sinks)
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    static func serviceSinks(_ rx: Receiver, _ dir: TempDir) -> String {
        """
          - {name: pd, type: pagerduty, url: "\(rx.url("/v2/enqueue"))", routing_key: \(pdKey)}
          - {name: og, type: opsgenie, url: "\(rx.url(""))", api_key_file: \(dir.file("og.key"))}
          - {name: nt, type: ntfy, url: "\(rx.url("/ntfy-alerts"))", token: \(ntfyToken)}
          - {name: tg, type: telegram, url: "\(rx.url(""))", token: "\(tgToken)", chat_id: "-100777"}
          - {name: mx, type: matrix, url: "\(rx.url(""))", token_file: \(dir.file("mx.token")), room: "!ops:example.org"}
        """
    }

    static func writeSecrets(_ dir: TempDir) throws {
        try dir.write("og.key", ogKey + "\n")
        try dir.write("mx.token", mxToken + "\n")
    }

    /// The requests of one sink, told apart by path.
    static func pd(_ rx: Receiver) -> [Receiver.Request] { rx.requests().filter { $0.path == "/v2/enqueue" } }
    static func og(_ rx: Receiver) -> [Receiver.Request] { rx.requests().filter { $0.path.hasPrefix("/v2/alerts") } }
    static func nt(_ rx: Receiver) -> [Receiver.Request] { rx.requests().filter { $0.path == "/" } }
    static func tg(_ rx: Receiver) -> [Receiver.Request] { rx.requests().filter { $0.path.hasSuffix("/sendMessage") } }
    static func mx(_ rx: Receiver) -> [Receiver.Request] { rx.requests().filter { $0.path.hasPrefix("/_matrix/") } }
    static func ok(_ rs: [Receiver.Request]) -> [Receiver.Request] { rs.filter { (200..<300).contains($0.status) } }

    static func alertID(_ rx: Receiver) -> String? {
        ok(pd(rx)).first?.json?["dedup_key"] as? String
    }

    @Test("each service gets its documented request, auth header and idempotency key; PagerDuty resolves an open dedup key")
    func shapes() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        try rx.start()
        let run = try S.Run("services", config: { Self.config($0, sinks: Self.serviceSinks(rx, $0)) }, beforeStart: Self.writeSecrets)
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { rx.delivered().count >= 5 }, "got \(rx.requests().map(\.path)); stderr: \(run.daemon.stderrText)")
        try S.calm(run.dir)
        #expect(Proc.waitFor(30) { rx.delivered().count >= 10 }, "got \(rx.requests().map(\.path)); stderr: \(run.daemon.stderrText)")
        let rb = "https://wiki.example/rb/r500?host="

        // PagerDuty: trigger, then resolve of the same dedup_key while its incident is open.
        let pd = Self.ok(Self.pd(rx))
        #expect(pd.count == 2)
        let trigger = try #require(pd.first?.json)
        let id = try #require(trigger["dedup_key"] as? String)
        #expect(id.hasPrefix("r500@") && !id.contains("/"))
        #expect(trigger["routing_key"] as? String == Self.pdKey && trigger["event_action"] as? String == "trigger")
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect(payload["severity"] as? String == "critical" && (payload["summary"] as? String).map { $0.count <= 1024 && $0.hasPrefix("FIRING") } == true)
        #expect(payload["source"] as? String != nil && payload["timestamp"] as? String != nil)
        #expect(((payload["custom_details"] as? [String: Any])?["codes"] as? [String: Int])?["500"] == 5)
        #expect((trigger["links"] as? [[String: String]])?.contains { $0["href"]?.hasPrefix(rb) == true && $0["text"] == "Runbook" } == true)
        let resolve = try #require(pd.last)
        #expect(resolve.json?["event_action"] as? String == "resolve" && resolve.json?["dedup_key"] as? String == id)
        #expect(resolve.record["open_before"] as? Bool == true, "the resolve did not find its incident open")

        // Opsgenie: create with alias = the alert id, then close by alias.
        let og = Self.ok(Self.og(rx))
        #expect(og.count == 2)
        #expect(og.allSatisfy { $0.headers["authorization"] == "GenieKey " + Self.ogKey })
        #expect(og.first?.path == "/v2/alerts" && og.first?.json?["alias"] as? String == id && og.first?.json?["priority"] as? String == "P1")
        #expect(og.last?.path == "/v2/alerts/" + id.replacingOccurrences(of: "@", with: "%40") + "/close?identifierType=alias")

        // ntfy: JSON publish with the topic, Bearer token, priority from severity, runbook action.
        let nt = Self.ok(Self.nt(rx))
        #expect(nt.count == 2 && nt.allSatisfy { $0.headers["authorization"] == "Bearer " + Self.ntfyToken })
        #expect(nt.first?.json?["topic"] as? String == "ntfy-alerts" && nt.first?.json?["priority"] as? Int == 5 && nt.last?.json?["priority"] as? Int == 3)
        #expect((nt.first?.json?["actions"] as? [[String: Any]])?.contains { ($0["url"] as? String)?.hasPrefix(rb) == true } == true)

        // Telegram: sendMessage under /bot<token>/, HTML, the chat.
        let tg = Self.ok(Self.tg(rx))
        #expect(tg.count == 2 && tg.allSatisfy { $0.path == "/bot\(Self.tgToken)/sendMessage" })
        #expect(tg.first?.json?["chat_id"] as? String == "-100777" && tg.first?.json?["parse_mode"] as? String == "HTML")
        #expect((tg.first?.json?["text"] as? String)?.contains("<a href=\"\(rb)") == true)

        // Matrix: PUT with the idempotency key as transaction id, Bearer token, m.notice.
        let mx = Self.ok(Self.mx(rx))
        #expect(mx.count == 2 && mx.allSatisfy { $0.method == "PUT" && $0.headers["authorization"] == "Bearer " + Self.mxToken })
        let enc = id.replacingOccurrences(of: "@", with: "%40")
        #expect(mx.map(\.path) == ["/1", "/2"].map { "/_matrix/client/v3/rooms/%21ops%3Aexample.org/send/m.room.message/" + enc + "%2F" + $0.dropFirst() })
        #expect(mx.first?.json?["msgtype"] as? String == "m.notice" && mx.first?.json?["format"] as? String == "org.matrix.custom.html")

        // Every request carried the notification's idempotency key; firing before resolved.
        for rs in [pd, og, nt, tg, mx] { #expect(rs.map(\.key) == [id + "/1", id + "/2"], "\(rs.map(\.path))") }

        // test-sink: a marked test through the real sink; PagerDuty's is resolved at once.
        let before = Self.pd(rx).count
        let test = try Proc.run(StatusdProcess.binary, ["test-sink", "pd", "--config", run.dir.file("statusd.yaml")])
        #expect(test.status == 0 && test.stdout.contains("delivered: HTTP 200"), "\(test.stdout)")
        let tests = Self.pd(rx).dropFirst(before).compactMap(\.json)
        #expect(tests.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        #expect(tests.first.map { ($0["payload"] as? [String: Any])?["severity"] as? String } == "info")
        for name in ["og", "nt", "tg", "mx"] {
            let r = try Proc.run(StatusdProcess.binary, ["test-sink", name, "--config", run.dir.file("statusd.yaml")])
            #expect(r.status == 0, "\(name): \(r.stdout)")
        }

        // No credential anywhere a person or a program reads.
        var captured = run.daemon.stderrText + test.stdout + test.stderr
        captured += try Proc.run(StatusdProcess.binary, ["status", "--socket", run.dir.file("s.sock"), "--json"]).stdout
        captured += try Proc.run(StatusdProcess.binary, ["status", "--socket", run.dir.file("s.sock")]).stdout
        captured += try run.journal.entries([]).map { "\($0)" }.joined(separator: "\n")
        for s in Self.secrets { #expect(!captured.contains(s), "\(s) leaked") }
    }

    @Test("401 from a service: the sink is disabled with the reason, nothing is lost, no credential in the error")
    func refusedCredential() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0, mode: "401")
        try rx.start()
        let sinks = "  - {name: tg, type: telegram, url: \"\(rx.url(""))\", token: \"\(Self.tgToken)\", chat_id: \"-1\"}"
        let run = try S.Run("svc401", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { S.sink(run.daemon, "tg")?["state"] as? String == "disabled" })
        let sink = S.sink(run.daemon, "tg")
        #expect((sink?["last_error"] as? String)?.contains("HTTP 401") == true && sink?["queued"] as? Int == 1, "\(sink ?? [:])")
        #expect(!"\(sink ?? [:])".contains("TGSECRET") && !run.daemon.stderrText.contains("TGSECRET"))
    }

    @Test("a backlog of 22: ntfy, Telegram, Matrix and email get one digest; PagerDuty and Opsgenie every event, in order")
    func digests() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        let smtp = SMTPServer(dir0)
        try Self.writeSecrets(dir0)
        let codes = Array(500...510)
        let sinks = Self.serviceSinks(rx, dir0) + """

          - {name: mail, type: email, smtp: "127.0.0.1:\(smtp.port)", tls: none, from: statusd@example.org, to: [oncall@example.org]}
        """
        let run = try S.Run("svc-digest", config: { Self.config($0, sinks: sinks, codes: codes, limit: "5%") })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, codes)
        let names = ["pd", "og", "nt", "tg", "mx", "mail"]
        #expect(Proc.waitFor(20) { names.allSatisfy { S.sink(run.daemon, $0)?["queued"] as? Int == 11 } })
        try S.calm(run.dir)
        #expect(Proc.waitFor(20) { names.allSatisfy { S.sink(run.daemon, $0)?["queued"] as? Int == 22 } })
        try rx.start()
        try smtp.start()
        #expect(Proc.waitFor(90) { names.allSatisfy { S.sink(run.daemon, $0)?["queued"] as? Int == 0 } },
                "\(names.map { S.sink(run.daemon, $0)?["queued"] ?? "?" }); \(run.daemon.stderrText)")
        let nt = Self.ok(Self.nt(rx)), tg = Self.ok(Self.tg(rx)), mx = Self.ok(Self.mx(rx))
        #expect(nt.count == 1 && (nt.first?.json?["title"] as? String)?.hasPrefix("DIGEST: 22 alert notifications") == true)
        #expect(tg.count == 1 && (tg.first?.json?["text"] as? String)?.contains("DIGEST: 22 alert notifications") == true)
        #expect(mx.count == 1 && mx.first?.path.contains("/send/m.room.message/digest%2F") == true)
        #expect(smtp.mails().count == 1 && smtp.mails().first?.headers["subject"]?.contains("DIGEST: 22") == true)
        let pd = Self.ok(Self.pd(rx))
        Self.onceInOrder(pd.compactMap(\.key), expected: 22, "pd")
        Self.onceInOrder(Self.ok(Self.og(rx)).compactMap(\.key), expected: 22, "og")
        #expect(pd.filter { $0.json?["event_action"] as? String == "resolve" }.allSatisfy { $0.record["open_before"] as? Bool == true })
        for name in names { #expect(S.sink(run.daemon, name)?["delivered"] as? Int == 22, "\(name)") }
    }

    /// Checks one sink's delivered requests: each key once, firing (`/1`) before its resolved (`/2`).
    static func onceInOrder(_ keys: [String], expected: Int, _ what: String) {
        #expect(keys.count == expected, "\(what): \(keys)")
        #expect(Set(keys).count == keys.count, "\(what): a notification arrived twice: \(keys)")
        for (i, k) in keys.enumerated() where k.hasSuffix("/2") {
            let firing = keys.firstIndex(of: String(k.dropLast(2)) + "/1")
            #expect(firing != nil && firing! < i, "\(what): \(k) arrived before its firing: \(keys)")
        }
    }

    @Test("receiver down, answers lost, kill -9 with notifications queued: every firing and resolved once per key, in order")
    func outageAndKill() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        let run = try S.Run("svc-kill", config: { Self.config($0, sinks: Self.serviceSinks(rx, $0), codes: [500, 501]) },
                            beforeStart: Self.writeSecrets)
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        let names = ["pd", "og", "nt", "tg", "mx"]
        // Refused: both firings wait.
        try S.fire(run.dir, [500, 501])
        #expect(Proc.waitFor(20) { names.allSatisfy { S.sink(run.daemon, $0)?["queued"] as? Int == 2 } })
        // Up, but every answer is lost after the request took effect: the services saw them, statusd did not.
        rx.mode("acceptfail:503")
        try rx.start()
        #expect(Proc.waitFor(40) { !Self.mx(rx).isEmpty && !Self.pd(rx).isEmpty && !Self.og(rx).isEmpty && !Self.tg(rx).isEmpty && !Self.nt(rx).isEmpty })
        rx.stop()
        // Down again; both resolve; statusd is killed with all four notifications queued.
        try S.calm(run.dir)
        #expect(Proc.waitFor(30) { names.allSatisfy { S.sink(run.daemon, $0)?["queued"] as? Int == 4 } },
                "\(names.map { S.sink(run.daemon, $0)?["queued"] ?? "?" })")
        run.daemon.signal(SIGKILL)
        run.daemon.process.waitUntilExit()

        rx.mode("ok")
        try rx.start()
        let second = try run.journal.statusd(config: run.dir.file("statusd.yaml"), socket: run.dir.file("s.sock"), dir: run.dir)
        defer { second.stop() }
        #expect(second.waitReady(), "daemon never answered: \(second.stderrText)")
        #expect(Proc.waitFor(90) { names.allSatisfy { S.sink(second, $0)?["queued"] as? Int == 0 } },
                "still queued: \(names.map { S.sink(second, $0)?["queued"] ?? "?" }); stderr: \(second.stderrText)")
        sleep(2)

        for (name, rs) in [("og", Self.og(rx)), ("nt", Self.nt(rx)), ("tg", Self.tg(rx)), ("mx", Self.mx(rx)), ("pd", Self.pd(rx))] {
            Self.onceInOrder(Self.ok(rs).compactMap(\.key), expected: 4, name)
            // A retry after a lost answer carries the same key as the attempt the service saw.
            let lost = Set(rs.filter { $0.status == 503 }.compactMap(\.key))
            #expect(!lost.isEmpty && lost.isSubset(of: Set(Self.ok(rs).compactMap(\.key))), "\(name): \(lost)")
        }
        // Matrix: the re-sent transaction id was recognised: the room got each event once.
        let mx = Self.ok(Self.mx(rx))
        #expect(mx.contains { $0.record["dup"] as? Bool == true }, "no transaction was re-sent: \(mx.map(\.path))")
        #expect(Set(mx.map(\.path)).count == 4 && mx.filter { $0.record["dup"] as? Bool != true }.count + mx.filter { $0.record["dup"] as? Bool == true }.count == 4)
        // PagerDuty: per dedup key a trigger then a resolve, which found its incident open.
        let pd = Self.ok(Self.pd(rx)).compactMap(\.json)
        for id in Set(pd.compactMap { $0["dedup_key"] as? String }) {
            let actions = pd.filter { $0["dedup_key"] as? String == id }.map { $0["event_action"] as? String ?? "" }
            #expect(actions == ["trigger", "resolve"], "\(id): \(actions)")
        }
        #expect(Self.ok(Self.pd(rx)).filter { $0.json?["event_action"] as? String == "resolve" }.allSatisfy { $0.record["open_before"] as? Bool == true })
    }

    // MARK: email

    static func mailSink(_ smtp: SMTPServer, _ dir: TempDir) -> String {
        """
          - name: mail
            type: email
            smtp: "127.0.0.1:\(smtp.port)"
            tls: none
            username: alerts
            password_file: \(dir.file("smtp.pw"))
            from: statusd@example.org
            to: [oncall@example.org, second@example.org]
        """
    }

    @Test("email through a real SMTP server: AUTH, both recipients, text and HTML, Message-ID threading, runbook; outage and kill -9")
    func email() throws {
        let dir0 = try TempDir("smtp")
        let smtp = SMTPServer(dir0, auth: "alerts:" + Self.smtpPassword)
        try smtp.start()
        let run = try S.Run("mail", config: { Self.config($0, sinks: Self.mailSink(smtp, $0), codes: [500, 501]) },
                            beforeStart: { try $0.write("smtp.pw", Self.smtpPassword + "\n") })
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { smtp.mails().count == 1 }, "no mail; stderr: \(run.daemon.stderrText); \(S.sink(run.daemon, "mail") ?? [:])")
        try S.calm(run.dir)
        #expect(Proc.waitFor(20) { smtp.mails().count == 2 }, "no resolved mail; stderr: \(run.daemon.stderrText)")
        let mails = smtp.mails()
        let log = smtp.log()
        #expect(log.allSatisfy { $0["login"] as? String == "alerts" && $0["mail_from"] as? String == "statusd@example.org" })
        #expect(log.allSatisfy { ($0["rcpt_tos"] as? [String]) == ["oncall@example.org", "second@example.org"] })
        let fire = mails[0].headers, resolved = mails[1].headers
        let firingID = try #require(fire["message-id"])
        #expect(firingID.hasPrefix("<statusd.r500") && firingID.hasSuffix(".1@example.org>"))
        #expect(resolved["message-id"]?.hasSuffix(".2@example.org>") == true)
        #expect(resolved["in-reply-to"] == firingID && resolved["references"] == firingID)
        #expect(fire["subject"]?.hasPrefix("[statusd] FIRING [critical] r500") == true && fire["to"] == "oncall@example.org, second@example.org")
        #expect(fire["content-type"]?.hasPrefix("multipart/alternative") == true)
        let text = mails[0].text
        #expect(text.contains("FIRING [critical] r500") && text.contains("<b>") && text.contains("Runbook: https://wiki.example/rb/r500?host="))

        // Down (refused), then a temporary 451, then kill -9 with the mails queued; after the restart each arrives once.
        smtp.stop()
        // Event-time windows: lines 11 s later push the calm ones out, so r501 can fire.
        sleep(11)
        try S.fire(run.dir, [501])
        #expect(Proc.waitFor(20) { S.sink(run.daemon, "mail")?["queued"] as? Int == 1 })
        #expect(Proc.waitFor(10) { (S.sink(run.daemon, "mail")?["last_error"] as? String)?.contains("connection refused") == true },
                "\(S.sink(run.daemon, "mail") ?? [:])")
        smtp.mode("451")
        try smtp.start()
        #expect(Proc.waitFor(40) { smtp.log().contains { $0["answer"] as? String == "451" } })
        #expect(Proc.waitFor(10) { (S.sink(run.daemon, "mail")?["last_error"] as? String)?.contains("451") == true })
        smtp.stop()
        try S.calm(run.dir)
        #expect(Proc.waitFor(20) { S.sink(run.daemon, "mail")?["queued"] as? Int == 2 })
        run.daemon.signal(SIGKILL)
        run.daemon.process.waitUntilExit()
        smtp.mode("ok")
        try smtp.start()
        let second = try run.journal.statusd(config: run.dir.file("statusd.yaml"), socket: run.dir.file("s.sock"), dir: run.dir)
        defer { second.stop() }
        #expect(second.waitReady(), "daemon never answered: \(second.stderrText)")
        #expect(Proc.waitFor(60) { smtp.mails().count == 4 }, "got \(smtp.mails().count); stderr: \(second.stderrText)")
        sleep(2)
        let all = smtp.mails().map(\.headers)
        let ids = all.compactMap { $0["message-id"] }
        #expect(ids.count == 4 && Set(ids).count == 4, "\(ids)")
        #expect(all[2]["subject"]?.contains("FIRING [critical] r501") == true && all[3]["in-reply-to"] == all[2]["message-id"])

        let test = try Proc.run(StatusdProcess.binary, ["test-sink", "mail", "--config", run.dir.file("statusd.yaml")])
        #expect(test.status == 0 && test.stdout.contains("delivered: accepted by the SMTP server"), "\(test.stdout)")
        #expect(Proc.waitFor(10) { smtp.mails().last?.headers["subject"]?.contains("TEST from statusd") == true })
        var captured = run.daemon.stderrText + second.stderrText + test.stdout
        captured += try Proc.run(StatusdProcess.binary, ["status", "--socket", run.dir.file("s.sock"), "--json"]).stdout
        captured += try run.journal.entries([]).map { "\($0)" }.joined(separator: "\n")
        #expect(!captured.contains(Self.smtpPassword))
    }

    @Test("STARTTLS and implicit TLS with full verification: a server's certificate from `ca_file` is trusted, an unknown one is not")
    func emailTLS() throws {
        let dir0 = try TempDir("smtp-tls")
        let made = try Proc.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir0.file("key.pem"),
                                                     "-out", dir0.file("cert.pem"), "-days", "1", "-subj", "/CN=localhost",
                                                     "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        #expect(made.status == 0, "\(made.stderr)")
        let cert = (dir0.file("cert.pem"), dir0.file("key.pem"))
        // Each server's folder lives as long as the test (a TempDir is removed when released).
        let dirs = try ["starttls", "implicit", "untrusted"].map { try TempDir($0) }
        let starttls = SMTPServer(dirs[0], auth: "alerts:" + Self.smtpPassword, cert: cert)
        let implicit = SMTPServer(dirs[1], cert: cert, implicit: true)
        let untrusted = SMTPServer(dirs[2], cert: cert)
        defer { withExtendedLifetime(dirs) {} }
        for s in [starttls, implicit, untrusted] { try s.start() }
        let sinks = """
          - {name: st, type: email, smtp: "127.0.0.1:\(starttls.port)", tls: starttls, ca_file: \(cert.0), username: alerts,
             password: \(Self.smtpPassword), from: statusd@example.org, to: [oncall@example.org]}
          - {name: im, type: email, smtp: "127.0.0.1:\(implicit.port)", tls: implicit, ca_file: \(cert.0), from: statusd@example.org, to: [oncall@example.org]}
          - {name: un, type: email, smtp: "127.0.0.1:\(untrusted.port)", tls: starttls, from: statusd@example.org, to: [oncall@example.org]}
        """
        let run = try S.Run("mailtls", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { starttls.mails().count == 1 && implicit.mails().count == 1 },
                "stderr: \(run.daemon.stderrText); \(S.sink(run.daemon, "st") ?? [:]) \(S.sink(run.daemon, "im") ?? [:])")
        #expect(starttls.log().first?["tls"] as? Bool == true && starttls.log().first?["login"] as? String == "alerts")
        #expect(implicit.log().first?["tls"] as? Bool == true)
        #expect(starttls.mails().first?.headers["subject"]?.contains("FIRING [critical] r500") == true)
        // The unknown certificate: nothing is sent, the sink retries and says why.
        #expect(Proc.waitFor(20) { S.sink(run.daemon, "un")?["state"] as? String == "retrying" })
        #expect((S.sink(run.daemon, "un")?["last_error"] as? String)?.contains("TLS") == true, "\(S.sink(run.daemon, "un") ?? [:])")
        #expect(untrusted.mails().isEmpty && S.sink(run.daemon, "un")?["queued"] as? Int == 1)
    }

    @Test("a wrong SMTP password disables the email sink until a reload, keeping its mail")
    func emailBadPassword() throws {
        let dir0 = try TempDir("smtp")
        let smtp = SMTPServer(dir0, auth: "alerts:right-one")
        try smtp.start()
        let run = try S.Run("mailpw", config: { Self.config($0, sinks: Self.mailSink(smtp, $0)) },
                            beforeStart: { try $0.write("smtp.pw", Self.smtpPassword) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try S.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { S.sink(run.daemon, "mail")?["state"] as? String == "disabled" }, "\(S.sink(run.daemon, "mail") ?? [:])")
        #expect((S.sink(run.daemon, "mail")?["last_error"] as? String)?.contains("535") == true)
        #expect(S.sink(run.daemon, "mail")?["queued"] as? Int == 1 && smtp.mails().isEmpty)
    }
}
