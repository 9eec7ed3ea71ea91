import Foundation
import Testing

/// Chat and webhook sinks against real HTTP receivers on 127.0.0.1 (`receiver.py`), with the real
/// binary, each test in its own journald namespace. Receivers and daemons are stopped by PID.
@Suite("chat and webhook sinks", .serialized)
struct SinkDeliveryTests {
    static let token = "SECRETTOKEN-7f3a9c"
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// Rules `rNNN` matching one code each, firing at once (`for: 0s`) over a 10 s window.
    /// Small samples fire on purpose (these tests are about delivery): the small-sample guard is off.
    static func rules(_ codes: [Int], limit: String = "10%") -> String {
        codes.map { "  - {name: r\($0), match: \($0), rate_above: \(limit), guard: none, window: 10s, min_requests: 5, severity: critical}" }
            .joined(separator: "\n")
    }

    static func config(_ dir: TempDir, sinks: String, codes: [Int] = [500], limit: String = "10%") -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log"))}
        rules:
        \(rules(codes, limit: limit))
        sinks:
        \(sinks)
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """
    }

    /// 20 good requests and 5 of each code: every `rNNN` of `codes` fires.
    static func fire(_ dir: TempDir, _ codes: [Int]) throws {
        try dir.append("access.log", AccessLines.make(200, count: 20) + codes.map { AccessLines.make($0, count: 5) }.joined())
    }

    /// Enough good requests that every rule resolves.
    static func calm(_ dir: TempDir) throws {
        try dir.append("access.log", AccessLines.make(200, count: 600))
    }

    static func sink(_ d: StatusdProcess, _ name: String) -> [String: Any]? {
        (try? d.status().json["sinks"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    struct Run {
        let dir: TempDir
        let journal: PrivateJournal
        let daemon: StatusdProcess

        init(_ label: String, config: (TempDir) -> String, beforeStart: (TempDir) throws -> Void = { _ in }) throws {
            dir = try TempDir(label)
            journal = try PrivateJournal()
            try journal.start()
            try dir.write("access.log", "")
            try dir.write("statusd.yaml", config(dir))
            try beforeStart(dir)
            daemon = try journal.statusd(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        }
    }

    // MARK: payloads

    @Test("each sink type gets the JSON its service documents; the webhook is signed and carries the idempotency key")
    func payloads() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0, secret: Self.secret)
        try rx.start()
        let sinks = """
          - {name: s, type: slack, url: "\(rx.url("/slack"))"}
          - {name: m, type: mattermost, url: "\(rx.url("/mattermost"))"}
          - {name: d, type: discord, url: "\(rx.url("/discord"))"}
          - {name: t, type: teams, url: "\(rx.url("/teams"))"}
          - {name: g, type: googlechat, url: "\(rx.url("/googlechat"))"}
          - {name: w, type: webhook, url: "\(rx.url("/webhook"))", secret: \(Self.secret), link: "https://grafana.example/d/x?host={host}&from={since}"}
        """
        let run = try Run("payloads", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { rx.delivered().count >= 6 }, "got \(rx.requests().map(\.path)); stderr: \(run.daemon.stderrText)")
        func body(_ path: String) throws -> [String: Any] { try #require(rx.delivered(path: path).first?.json, "no JSON at \(path)") }

        let slack = try body("/slack")
        #expect((slack["text"] as? String)?.hasPrefix("FIRING [critical] r500 on ") == true)
        let blocks = try #require(slack["blocks"] as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "section")
        let section = try #require((blocks.first?["text"] as? [String: Any])?["text"] as? String)
        #expect(section.utf16.count <= 3000 && section.contains("500 ×5 (Internal Server Error"))

        let mm = try body("/mattermost")
        let att = try #require((mm["attachments"] as? [[String: Any]])?.first)
        #expect(att["fallback"] as? String != nil && att["color"] as? String == "#E01E5A")

        let discord = try body("/discord")
        #expect(((discord["allowed_mentions"] as? [String: Any])?["parse"] as? [Any])?.isEmpty == true)
        #expect((discord["content"] as? String).map { $0.utf16.count <= 2000 && $0.hasPrefix("**FIRING") } == true)
        let embed = try #require((discord["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] != nil && embed["description"] != nil && embed["color"] as? Int == 0xE01E5A)

        let teams = try body("/teams")
        #expect(teams["type"] as? String == "message")
        let card = try #require(((teams["attachments"] as? [[String: Any]])?.first)?["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")

        let gchat = try body("/googlechat")
        #expect((gchat["text"] as? String)?.hasPrefix("FIRING") == true)
        #expect(((gchat["cardsV2"] as? [[String: Any]])?.first?["card"] as? [String: Any])?["sections"] != nil)

        let hookRequest = try #require(rx.delivered(path: "/webhook").first)
        let hook = try #require(hookRequest.json)
        #expect(hookRequest.sigOK == true, "signature did not verify: \(hookRequest.headers)")
        #expect(hook["version"] as? Int == 1 && hook["type"] as? String == "alert" && hook["kind"] as? String == "firing")
        let key = try #require(hook["idempotency_key"] as? String)
        #expect(key.hasPrefix("r500@") && key.hasSuffix("/1"))
        #expect(hookRequest.headers["idempotency-key"] == key && hookRequest.headers["webhook-id"] == key)
        #expect((hook["link"] as? String)?.hasPrefix("https://grafana.example/d/x?host=") == true)
        // Every sink carried the same key in its header and its body.
        for r in rx.delivered() {
            #expect(r.key == key, "\(r.path) carried \(r.key ?? "no key")")
            #expect(r.body.contains(key), "\(r.path) has no idempotency key in its body")
        }
    }

    // MARK: outage

    /// The kinds (firing/resolved) and keys of the webhook documents delivered, in arrival order.
    static func delivered(_ rx: Receiver, _ path: String) -> [(kind: String, key: String)] {
        rx.delivered(path: path).compactMap { r in
            guard let j = r.json, let k = j["kind"] as? String, let key = j["idempotency_key"] as? String else { return nil }
            return (k, key)
        }
    }

    static func checkOnceInOrder(_ got: [(kind: String, key: String)], expected: Int) {
        #expect(got.count == expected, "\(got.count) delivered: \(got.map(\.key))")
        #expect(Set(got.map(\.key)).count == got.count, "a notification arrived twice: \(got.map(\.key))")
        for (i, g) in got.enumerated() where g.kind == "resolved" {
            let id = g.key.split(separator: "/").first.map(String.init) ?? ""
            let firing = got.firstIndex { $0.key == id + "/1" }
            #expect(firing != nil && firing! < i, "resolved \(g.key) arrived before its firing")
        }
    }

    @Test("receiver refusing, then answering 503, then up: every notification arrives exactly once, in order")
    func outage() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        let sinks = """
          - {name: w, type: webhook, url: "\(rx.url("/webhook"))"}
          - {name: s, type: slack, url: "\(rx.url("/slack"))"}
        """
        let run = try Run("outage", config: { Self.config($0, sinks: sinks, codes: [500, 501, 502]) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500, 501, 502])
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "w")?["queued"] as? Int == 3 })
        try Self.calm(run.dir)
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "w")?["queued"] as? Int == 6 })
        let waiting = Self.sink(run.daemon, "w")
        #expect(waiting?["state"] as? String == "retrying")
        #expect((waiting?["last_error"] as? String)?.contains("connection refused") == true, "\(waiting ?? [:])")
        #expect(try run.daemon.status().exit >= 1)
        rx.mode("503")
        try rx.start()
        #expect(Proc.waitFor(30) { rx.requests().contains { $0.status == 503 } })
        rx.mode("ok")
        #expect(Proc.waitFor(60) { Self.sink(run.daemon, "w")?["queued"] as? Int == 0 && Self.sink(run.daemon, "s")?["queued"] as? Int == 0 },
                "still queued; stderr: \(run.daemon.stderrText)")
        sleep(2)
        Self.checkOnceInOrder(Self.delivered(rx, "/webhook"), expected: 6)
        let slack = rx.delivered(path: "/slack")
        #expect(slack.count == 6 && Set(slack.compactMap(\.key)).count == 6)
        #expect(Self.sink(run.daemon, "w")?["delivered"] as? Int == 6)
        #expect(Self.sink(run.daemon, "w")?["state"] as? String == "ok")
    }

    @Test("kill -9 while notifications are queued: after the restart each arrives once; none acknowledged is sent again")
    func killWhileQueued() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        try rx.start()
        let sinks = "  - {name: w, type: webhook, url: \"\(rx.url("/webhook"))\"}"
        let run = try Run("kill", config: { Self.config($0, sinks: sinks, codes: [500, 501]) })
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { rx.delivered().count == 1 }, "first firing not delivered: \(run.daemon.stderrText)")
        rx.stop()
        try Self.calm(run.dir)
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "w")?["queued"] as? Int == 1 })
        run.daemon.signal(SIGKILL)
        run.daemon.process.waitUntilExit()

        try rx.start()
        let second = try run.journal.statusd(config: run.dir.file("statusd.yaml"), socket: run.dir.file("s.sock"), dir: run.dir)
        defer { second.stop() }
        #expect(second.waitReady(), "daemon never answered: \(second.stderrText)")
        #expect(Proc.waitFor(30) { rx.delivered().count >= 2 }, "the queued resolved notice never came: \(second.stderrText)")
        sleep(2)
        let got = Self.delivered(rx, "/webhook")
        Self.checkOnceInOrder(got, expected: 2)
        #expect(got.map(\.kind) == ["firing", "resolved"])
    }

    // MARK: retries

    @Test("429 with Retry-After: 2: the next attempt is not sooner than 2 s; repeated 500s: the intervals grow")
    func retryTiming() throws {
        let dir0 = try TempDir("recv")
        let limited = try Receiver(dir0, name: "limited", mode: "429:2")
        let failing = try Receiver(dir0, name: "failing", mode: "500")
        try limited.start()
        try failing.start()
        let sinks = """
          - {name: d, type: discord, url: "\(limited.url("/discord"))"}
          - {name: w, type: webhook, url: "\(failing.url("/webhook"))"}
        """
        let run = try Run("retry", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { limited.requests().count >= 1 })
        limited.mode("ok")
        #expect(Proc.waitFor(10) { limited.requests().count >= 2 })
        let l = limited.requests()
        #expect(l.count >= 2 && l[1].t - l[0].t >= 2.0, "retried after \(l.count >= 2 ? l[1].t - l[0].t : -1) s")
        #expect(l.last?.status == 204 || l.last?.status == 200)

        #expect(Proc.waitFor(20) { failing.requests().count >= 4 }, "only \(failing.requests().count) attempts")
        let f = failing.requests().map(\.t)
        let gaps = zip(f.dropFirst(), f).map { $0 - $1 }
        #expect(gaps.count >= 3 && gaps[0] < gaps[1] && gaps[1] < gaps[2], "intervals \(gaps)")
        #expect(Set(failing.requests().compactMap(\.key)).count == 1, "every retry carries the same key")
    }

    @Test("410 disables the sink until a reload, status says so; a 301 is not followed; a reload delivers what waited")
    func goneAndMoved() throws {
        let dir0 = try TempDir("recv")
        let gone = try Receiver(dir0, name: "gone", mode: "410")
        let moved = try Receiver(dir0, name: "moved", mode: "301")
        try gone.start()
        try moved.start()
        let sinks = """
          - {name: g, type: slack, url: "\(gone.url("/slack"))"}
          - {name: m, type: webhook, url: "\(moved.url("/webhook"))"}
        """
        let run = try Run("gone", config: { Self.config($0, sinks: sinks, codes: [500, 501]) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "g")?["state"] as? String == "disabled" })
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "m")?["state"] as? String == "disabled" })
        #expect((Self.sink(run.daemon, "g")?["last_error"] as? String)?.contains("HTTP 410") == true)
        #expect((Self.sink(run.daemon, "m")?["last_error"] as? String)?.contains("HTTP 301") == true)
        #expect(try run.daemon.status().exit >= 1)
        let text = try Proc.run(StatusdProcess.binary, ["status", "--socket", run.dir.file("s.sock")]).stdout
        #expect(text.contains("DISABLED") && text.contains("g (slack)"))
        // More alerts: nothing is sent to a disabled sink; they wait.
        try Self.calm(run.dir)
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "g")?["queued"] as? Int == 2 })
        sleep(2)
        #expect(gone.requests().count == 1)
        #expect(moved.requests().allSatisfy { $0.path == "/webhook" }, "the redirect was followed")
        #expect(moved.requests().count == 1)
        // A reload enables them again: what waited is delivered.
        gone.mode("ok")
        moved.mode("ok")
        run.daemon.signal(SIGHUP)
        #expect(Proc.waitFor(20) { gone.delivered().count == 2 && moved.delivered().count == 2 }, "\(run.daemon.stderrText)")
        #expect(Self.sink(run.daemon, "g")?["state"] as? String == "ok")
    }

    // MARK: abuse

    @Test("an injection corpus in request paths and user agents never reaches a receiver raw")
    func injection() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        try rx.start()
        let sinks = ["slack", "mattermost", "discord", "teams", "googlechat", "webhook"]
            .map { "  - {name: \($0), type: \($0), url: \"\(rx.url("/" + $0))\"}" }.joined(separator: "\n")
            + "\n" + ServiceSinkTests.serviceSinks(rx, dir0)
        try ServiceSinkTests.writeSecrets(dir0)
        let run = try Run("inject", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        let corpus: [[UInt8]] = ["/<!channel>", "/<!here>", "/@everyone", "/@here", "/<@U12345>", "/<users/all>", "/<at>Boss</at>",
                                 "/[x](https://evil.example)", "/<https://evil.example|click>", "/**bold**_it_~s~`c`"].map { Array($0.utf8) }
            + [[0x2F, 0xFF, 0xFE, 0xC3, 0x28], Array("/".utf8) + Array(repeating: 0x41, count: 20_000)]
        let fh = try #require(FileHandle(forWritingAtPath: run.dir.file("access.log")))
        fh.seekToEndOfFile()
        fh.write(Data(AccessLines.make(200, count: 20).utf8))
        for bad in corpus { fh.write(Data(RawLines.make(500, count: 1, path: bad, agent: bad))) }
        try fh.close()
        #expect(Proc.waitFor(20) { rx.delivered().count >= 11 }, "got \(rx.requests().count); \(run.daemon.stderrText)")
        let raw = ["<!channel>", "<!here>", "@everyone", "@here", "<@U12345>", "<users/all>", "<at>", "evil.example", "**bold**", "AAAAAAAAAAAAAAAAAAAA"]
        for r in rx.requests() {
            for bad in raw { #expect(!r.body.contains(bad), "\(r.path) carried \(bad)") }
        }
    }

    @Test("no webhook URL or secret in stderr, the journal, status output, check, test-sink or errors")
    func noSecrets() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0, mode: "410")
        let sinks = """
          - {name: w, type: webhook, url: "\(rx.url("/hook/" + Self.token))", secret: \(Self.secret)}
          - {name: s, type: slack, url: "\(rx.url("/services/" + Self.token))"}
        """
        let run = try Run("secrets", config: { Self.config($0, sinks: sinks) })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, [500])
        // Refused first, then 410: both failures are reported.
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "w")?["state"] as? String == "retrying" })
        try rx.start()
        #expect(Proc.waitFor(40) { Self.sink(run.daemon, "w")?["state"] as? String == "disabled" })
        let bin = StatusdProcess.binary
        var captured = run.daemon.stderrText
        captured += try Proc.run(bin, ["status", "--socket", run.dir.file("s.sock")]).stdout
        captured += try Proc.run(bin, ["status", "--socket", run.dir.file("s.sock"), "--json"]).stdout
        let check = try Proc.run(bin, ["check", "--config", run.dir.file("statusd.yaml")])
        captured += check.stdout + check.stderr
        #expect(check.stdout.contains("can be read by others"), "\(check.stdout)")
        chmod(run.dir.file("statusd.yaml"), 0o600)
        #expect(try !Proc.run(bin, ["check", "--config", run.dir.file("statusd.yaml")]).stdout.contains("can be read by others"))
        let test = try Proc.run(bin, ["test-sink", "s", "--config", run.dir.file("statusd.yaml")])
        captured += test.stdout + test.stderr
        #expect(test.stdout.contains("HTTP 410") && test.status == 1, "\(test.stdout)")
        // A config whose url_file holds garbage: the error names the file, not what it holds.
        try run.dir.write("bad.url", "https://hooks.example/\(Self.token) not a url")
        try run.dir.write("bad.yaml", Self.config(run.dir, sinks: "  - {name: x, type: slack, url_file: \(run.dir.file("bad.url"))}"))
        let bad = try Proc.run(bin, ["check", "--config", run.dir.file("bad.yaml")])
        captured += bad.stdout + bad.stderr
        #expect(bad.status == 1 && bad.stdout.contains("bad.url does not hold"), "\(bad.stdout)")
        let journal = try run.journal.entries([])
        #expect(!journal.isEmpty)
        captured += journal.map { ($0["MESSAGE"] as? String) ?? "" }.joined(separator: "\n")
        captured += journal.map { "\($0)" }.joined(separator: "\n")
        #expect(!captured.contains(Self.token), "a URL leaked")
        #expect(!captured.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "a secret leaked")
        #expect(captured.contains("127.0.0.1"), "the host is shown")
    }

    // MARK: digest, test-sink

    @Test("more than 20 queued for a sink that was down: one digest, then live messages again")
    func digest() throws {
        let dir0 = try TempDir("recv")
        let rx = try Receiver(dir0)
        let codes = Array(500...510)
        let sinks = """
          - {name: s, type: slack, url: "\(rx.url("/slack"))"}
          - {name: w, type: webhook, url: "\(rx.url("/webhook"))"}
        """
        let run = try Run("digest", config: { Self.config($0, sinks: sinks, codes: codes + [599], limit: "5%") })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try Self.fire(run.dir, codes)
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "s")?["queued"] as? Int == 11 })
        try Self.calm(run.dir)
        #expect(Proc.waitFor(20) { Self.sink(run.daemon, "s")?["queued"] as? Int == 22 })
        try rx.start()
        #expect(Proc.waitFor(60) { Self.sink(run.daemon, "s")?["queued"] as? Int == 0 && Self.sink(run.daemon, "w")?["queued"] as? Int == 0 },
                "\(run.daemon.stderrText)")
        let slack = rx.delivered(path: "/slack")
        #expect(slack.count == 1, "\(slack.count) Slack messages")
        #expect((slack.first?.json?["text"] as? String)?.hasPrefix("DIGEST: 22 alert notifications") == true)
        let hook = rx.delivered(path: "/webhook")
        #expect(hook.count == 1 && (hook.first?.json?["notifications"] as? [Any])?.count == 22)
        #expect(Self.sink(run.daemon, "s")?["delivered"] as? Int == 22)
        // Live again: one message per notification.
        try run.dir.append("access.log", AccessLines.make(599, count: 60))
        #expect(Proc.waitFor(20) { rx.delivered(path: "/slack").count == 2 })
        #expect((rx.delivered(path: "/slack").last?.json?["text"] as? String)?.hasPrefix("FIRING [critical] r599") == true)
    }

    @Test("statusd test-sink sends a marked test message and prints the HTTP outcome")
    func testSink() throws {
        let dir = try TempDir("testsink")
        let rx = try Receiver(dir, secret: Self.secret)
        try rx.start()
        try dir.write("c.yaml", Self.config(dir, sinks: """
          - {name: d, type: discord, url: "\(rx.url("/discord"))"}
          - {name: w, type: webhook, url: "\(rx.url("/webhook"))", secret: \(Self.secret)}
        """))
        let bin = StatusdProcess.binary
        let d = try Proc.run(bin, ["test-sink", "d", "--config", dir.file("c.yaml")])
        #expect(d.status == 0 && d.stdout.contains("delivered: HTTP 200"), "\(d.stdout)")
        #expect((rx.requests().first?.json?["content"] as? String)?.hasPrefix("**TEST from statusd") == true)
        let w = try Proc.run(bin, ["test-sink", "w", "--config", dir.file("c.yaml")])
        #expect(w.status == 0)
        #expect(rx.requests().last?.sigOK == true && rx.requests().last?.json?["type"] as? String == "test")
        let none = try Proc.run(bin, ["test-sink", "nope", "--config", dir.file("c.yaml")])
        #expect(none.status == 2 && none.stdout.contains("no sink `nope` in") && none.stdout.contains("; sinks: d, w"))
        rx.stop()
        let down = try Proc.run(bin, ["test-sink", "d", "--config", dir.file("c.yaml")])
        #expect(down.status == 1 && down.stdout.contains("connection refused"), "\(down.stdout)")
    }
}
