import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("config: duplicate keys, secrets, inputs that cannot work, metrics exposure")
struct ConfigSecretsTests {
    let slack = "https://hooks.slack.com/services/T0SECRET/B0SECRET/abcdefSECRETxyz"
    let signing = "s3cret-signing-key-0123456789"

    func errors(_ yaml: String) -> [ConfigError] {
        if case .failure(let e) = ConfigLoader.load(yaml: yaml, file: "c.yaml") { return e.errors }
        return []
    }

    func config(_ yaml: String) -> StatusdConfig? {
        switch ConfigLoader.load(yaml: yaml, file: "c.yaml") {
        case .success(let c): return c
        case .failure(let e): Issue.record("\(e)"); return nil
        }
    }

    @Test("two duplicate keys: each at its own line and column, no secret, not the file")
    func duplicates() {
        let yaml = """
        inputs:
          - name: web
            path: /var/log/nginx/access.log
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 5%
            window: 5m
            window: 10m
        sinks:
          - name: ops
            type: webhook
            url: \(slack)
            secret: \(signing)
            secret: \(signing)
        """
        let e = errors(yaml)
        #expect(e.map(\.line) == [9, 15])
        #expect(e.map(\.column) == [5, 5])
        #expect(e[0].message.contains("`window`") && e[0].message.contains("first at line 8"))
        #expect(e[1].message.contains("`secret`") && e[1].message.contains("first at line 14"))
        let text = ConfigErrors(errors: e).description
        #expect(!text.contains("SECRET") && !text.contains(signing) && !text.contains("hooks.slack.com"))
        #expect(!text.contains("inputs:"))
    }

    @Test("a key written three times and one in a flow mapping are each reported")
    func threeTimes() {
        let yaml = """
        log_level: info
        log_level: debug
        log_level: error
        status: {socket: /run/a.sock, socket: /run/b.sock}
        """
        let e = errors(yaml)
        #expect(e.map(\.line) == [2, 3, 4])
        #expect(e[2].column == 31)
        let quoted = errors("\"log_level\": info\n'log_level': debug\n")
        #expect(quoted.map(\.line) == [2])
    }

    @Test("a secret in the wrong place is not quoted by the error about it")
    func misplacedSecret() {
        let yaml = """
        inputs:
          - name: web
            path: /var/log/nginx/access.log
        rules:
          - name: r
            match: 5xx
            rate_above: 5%
            window: 5m
        sinks:
          - name: ops
            type: slack
            url: \(slack)
            link: {host}\(slack)
        """
        let text = ConfigErrors(errors: errors(yaml)).description
        #expect(!text.contains("abcdefSECRETxyz"))
    }

    let base = """
    rules:
      - name: r
        match: 5xx
        rate_above: 5%
        window: 5m

    """

    @Test("two inputs on one path are refused, also written differently")
    func samePath() {
        let e = errors(base + """
        inputs:
          - name: a
            path: /var/log/nginx/access.log
          - name: b
            path: /var/log//nginx/./access.log
        """)
        #expect(e.count == 1)
        #expect(e.first?.line == 10)
        #expect(e.first?.message.contains("input `a`") == true)
        #expect(errors(base + "inputs:\n  - name: a\n    path: [/var/log/x/*.log, /var/log/x/*.log]\n").count == 1)
    }

    @Test("overlapping globs of two inputs are a warning")
    func overlap() {
        let c = config(base + """
        inputs:
          - name: a
            path: /var/log/nginx/*.log
          - name: b
            path: /var/log/nginx/access*.log
          - name: c
            path: /var/log/other/*.log
        """)
        #expect(c?.warnings.count == 1)
        #expect(c?.warnings.first?.line == 10)
    }

    @Test("inputs on journal files or in state_dir are refused, pointing elsewhere")
    func journalAndState() {
        for p in ["/var/log/journal/abc/system.journal", "/run/log/journal/x/*", "/srv/x/user-1000.journal~", "/srv/logs/*.journal"] {
            let e = errors(base + "inputs:\n  - name: a\n    path: \(p)\n")
            #expect(e.count == 1, "\(p)")
            #expect(e.first?.message.contains("journald as a source is planned") == true)
        }
        for p in ["/var/lib/statusd/state.json", "/var/lib/statusd/*", "/var/lib/statusd/sub/x.log"] {
            let e = errors(base + "inputs:\n  - name: a\n    path: \(p)\n")
            #expect(e.first?.message.contains("state_dir") == true, "\(p)")
        }
        let e = errors(base + "state_dir: /srv/state\ninputs:\n  - name: a\n    path: /srv/state/../state/x\n")
        #expect(e.count == 1)
    }

    @Test("metrics: non-loopback warns; allow, basic and bearer auth load; bad ones are refused without quoting secrets")
    func metrics() {
        let inputs = "inputs:\n  - name: a\n    path: /var/log/a.log\n"
        #expect(config(base + inputs + "metrics:\n  listen: 127.0.0.1:9464\n")?.warnings.isEmpty == true)
        #expect(config(base + inputs + "metrics:\n  listen: '[::1]:9464'\n")?.warnings.isEmpty == true)
        let open = config(base + inputs + "metrics:\n  listen: 0.0.0.0:9464\n")
        #expect(open?.warnings.count == 1)
        #expect(open?.warnings.first?.message.contains("not loopback") == true)
        let guarded = config(base + inputs + """
        metrics:
          listen: 0.0.0.0:9464
          allow: [10.0.0.0/8, "2001:db8::/32", 192.168.1.7]
          basic_auth: {username: prom, password: hunter2hunter2}
        """)
        #expect(guarded?.warnings.isEmpty == true)
        #expect(guarded?.metrics?.allow.count == 3)
        #expect(guarded?.metrics?.basicAuth == MetricsBasicAuth(username: "prom", password: .inline("hunter2hunter2")))
        #expect(guarded?.inlineSecrets == ["hunter2hunter2"])
        let bearer = config(base + inputs + "metrics:\n  listen: 127.0.0.1:9464\n  bearer_token_file: /etc/statusd/token\n")
        #expect(bearer?.metrics?.bearerToken == .file("/etc/statusd/token"))
        let bad = errors(base + inputs + """
        metrics:
          listen: 127.0.0.1:9464
          allow: [10.0.0.0/33, nonsense]
          basic_auth: {username: prom, password: hunter2hunter2}
          bearer_token: tok-tok-tok-tok
        """)
        #expect(bad.count == 3)
        #expect(!ConfigErrors(errors: bad).description.contains("hunter2hunter2"))
        #expect(!ConfigErrors(errors: bad).description.contains("tok-tok-tok-tok"))
    }

    @Test("address ranges: IPv4, IPv6, IPv4 seen through IPv6")
    func ranges() {
        let v4 = AddressRange("10.1.0.0/16")!
        #expect(v4.contains("10.1.200.3"))
        #expect(!v4.contains("10.2.0.1"))
        #expect(v4.contains("::ffff:10.1.2.3"))
        let v6 = AddressRange("2001:db8::/32")!
        #expect(v6.contains("2001:db8:1::5"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(AddressRange("::1")!.contains("::1"))
        #expect(!AddressRange("127.0.0.1")!.contains("127.0.0.2"))
        #expect(AddressRange("1.2.3") == nil && AddressRange("::1/129") == nil && AddressRange("1:2:3:4:5:6:7:8:9") == nil)
    }

    @Test("metrics access: allow first, then credentials compared exactly")
    func access() {
        let basic = MetricsAccess(allow: [AddressRange("127.0.0.0/8")!], basic: ("prom", "pw-123456"))
        let good = "Basic " + Base64.encode(Array("prom:pw-123456".utf8))
        #expect(basic.decide(remote: "127.0.0.1", authorization: good) == .allowed)
        #expect(basic.decide(remote: "10.0.0.1", authorization: good) == .forbidden)
        if case .unauthorized(let c) = basic.decide(remote: "127.0.0.1", authorization: nil) { #expect(c.hasPrefix("Basic ")) } else { Issue.record("expected 401") }
        #expect(basic.decide(remote: "127.0.0.1", authorization: "Basic " + Base64.encode(Array("prom:pw-12345".utf8))) != .allowed)
        let bearer = MetricsAccess(bearer: "tok-abcdef")
        #expect(bearer.decide(remote: nil, authorization: "Bearer tok-abcdef") == .allowed)
        #expect(bearer.decide(remote: nil, authorization: "bearer tok-abcdef") == .allowed)
        #expect(bearer.decide(remote: nil, authorization: "Bearer tok-abcdeg") != .allowed)
        #expect(bearer.decide(remote: nil, authorization: "Basic tok-abcdef") != .allowed)
    }
}
