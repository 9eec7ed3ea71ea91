import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `pagerduty`, `opsgenie`, `email`, `ntfy`, `telegram`, `matrix`: the issue's keys, each secret
/// inline, as a file or a variable, default endpoints, and errors that never quote a secret.
@Suite("service sink config")
struct ServiceSinkConfigTests {
    let base = """
    inputs:
      - {name: web, path: /var/log/nginx/access.log}
    """

    func load(_ rest: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: base + "\n" + rest, file: "s.yaml")
    }

    func errors(_ rest: String) -> String {
        switch load(rest) {
        case .success: return ""
        case .failure(let e): return e.description
        }
    }

    @Test("the issue's keys load, with the services' public endpoints by default")
    func shape() throws {
        let c = try load("""
        sinks:
          - {name: pd, type: pagerduty, routing_key: R0UTINGKEYSECRET0123456789abcdef}
          - {name: og, type: opsgenie, api_key_file: /etc/statusd/opsgenie.key, url: "https://api.eu.opsgenie.com"}
          - name: mail
            type: email
            smtp: smtp.example.org:587
            tls: starttls
            ca_file: /etc/statusd/private-ca.pem
            username: alerts
            password_env: SMTP_PASSWORD
            from: alerts@example.org
            to: [oncall@example.org, boss@example.org]
          - {name: push, type: ntfy, url: "https://ntfy.sh/web-alerts", token: tk_SECRETNTFY}
          - {name: tg, type: telegram, token_env: TG_TOKEN, chat_id: "-1001234567890"}
          - {name: og2, type: opsgenie, api_key: OGKEY1234, region: eu}
          - {name: mx, type: matrix, url: "https://matrix.example.org", token_file: /etc/statusd/matrix.token, room: "!abc:example.org"}
        rules:
          - {name: r, match: 5xx, rate_above: 5%, runbook: "https://wiki.example/runbooks/5xx?host={host}", sinks: [pd, mail]}
        """).get()
        #expect(c.sinks.map(\.type) == [.pagerduty, .opsgenie, .email, .ntfy, .telegram, .opsgenie, .matrix])
        #expect(c.sinks[5].url == .inline("https://api.eu.opsgenie.com") && c.sinks[5].service.defaultURL)
        #expect(c.sinks[0].url == .inline("https://events.pagerduty.com/v2/enqueue") && c.sinks[0].service.defaultURL)
        #expect(c.sinks[0].service.credential == .inline("R0UTINGKEYSECRET0123456789abcdef") && c.sinks[0].hasInlineSecret)
        #expect(c.sinks[1].url == .inline("https://api.eu.opsgenie.com") && !c.sinks[1].service.defaultURL)
        #expect(c.sinks[1].service.credential == .file("/etc/statusd/opsgenie.key"))
        // A credential from a variable and the public endpoint: nothing secret in the file.
        #expect(!c.sinks[4].hasInlineSecret)
        let mail = c.sinks[2].service
        #expect(mail.smtpHost == "smtp.example.org" && mail.smtpPort == 587 && mail.tls == .starttls && mail.username == "alerts")
        #expect(mail.credential == .env("SMTP_PASSWORD") && mail.from == "alerts@example.org" && mail.to.count == 2)
        #expect(mail.caFile == "/etc/statusd/private-ca.pem")
        #expect(c.sinks[3].service.credential == .inline("tk_SECRETNTFY"))
        #expect(c.sinks[4].url == .inline("https://api.telegram.org") && c.sinks[4].service.chatID == "-1001234567890")
        #expect(c.sinks[6].service.room == "!abc:example.org" && c.sinks[6].service.credential == .file("/etc/statusd/matrix.token"))
        #expect(c.rules[0].runbook?.template == "https://wiki.example/runbooks/5xx?host={host}")
        // Inline credentials are secrets the redactor knows; the public endpoints are not.
        #expect(c.inlineSecrets.contains("R0UTINGKEYSECRET0123456789abcdef") && c.inlineSecrets.contains("tk_SECRETNTFY"))
        #expect(!c.inlineSecrets.contains("https://events.pagerduty.com/v2/enqueue"))
    }

    @Test("missing and misplaced keys are named; no credential is quoted")
    func errorsNamed() {
        let e = errors("""
        sinks:
          - {name: pd, type: pagerduty}
          - {name: og, type: opsgenie, routing_key: SECRETROUTINGKEY1, api_key: SECRETAPIKEY2}
          - {name: tg, type: telegram, token: "123:SECRETTG3"}
          - {name: mx, type: matrix, token: SECRETMX4, room: "!r:example.org"}
          - {name: n, type: ntfy}
          - {name: m1, type: email, smtp: "smtp.example.org", from: "a@b", to: [c@d]}
          - {name: m2, type: email, smtp: "smtp.example.org:587", from: "a@b", to: ["x@y\\r\\nBcc: evil@z"]}
          - {name: m3, type: email, smtp: "mail.example.org:25", tls: none, username: u, password: SECRETPW5, from: a@b, to: [c@d]}
          - {name: m4, type: email, smtp: "smtp.example.org:587", from: a@b, to: [c@d], url: "https://x.example"}
          - {name: pd2, type: pagerduty, routing_key: "with space SECRET6"}
          - {name: pd3, type: pagerduty, routing_key: SECRET7, routing_key_env: PD_KEY}
          - {name: mx2, type: matrix, url: "https://m.example", token: SECRET8, room: "#ops:example.org"}
        """)
        #expect(e.contains("sink `pd` needs `routing_key`"))
        #expect(e.contains("its credential is `api_key`"))
        #expect(e.contains("sink `tg` needs `chat_id`"))
        #expect(e.contains("sink `mx` needs `url`"))
        #expect(e.contains("sink `n` needs `url`"))
        #expect(e.contains("`smtp` must be host:port"))
        #expect(e.contains("each of `to` must be one mail address"))
        #expect(e.contains("without TLS"))
        #expect(e.contains("it takes `smtp: host:port`, not `url`"))
        #expect(e.contains("white space or control characters"))
        #expect(e.contains("more than one of `routing_key`"))
        #expect(e.contains("`room` must be a room id"))
        for n in 1...8 { #expect(!e.contains("SECRET\(n)") && !e.contains("SECRETROUTINGKEY\(n)") && !e.contains("SECRETAPIKEY\(n)"), "secret \(n) quoted: \(e)") }
        #expect(!e.contains("SECRETTG3") && !e.contains("SECRETMX4") && !e.contains("SECRETPW5"))
    }

    @Test("a misplaced credential is redacted from the error that quotes it")
    func redacted() {
        let e = errors("""
        sinks:
          - {name: pd, type: pagerduty, routing_key: ROUTINGSECRET99, severities: [ROUTINGSECRET99]}
        """)
        #expect(e.contains("`severities` must list"))
        #expect(!e.contains("ROUTINGSECRET99"))
    }

    @Test("a runbook is a link template: bad placeholders are refused at the rule")
    func runbook() {
        let e = errors("""
        rules:
          - {name: r, match: 5xx, rate_above: 5%, runbook: "https://wiki.example/{nope}"}
        """)
        #expect(e.contains("`runbook` placeholder `{nope}`"))
    }

    @Test("host:port forms, mail addresses, ntfy topic URLs")
    func values() {
        #expect(ServiceSinkCheck.hostPort("smtp.example.org:587")! == ("smtp.example.org", 587))
        #expect(ServiceSinkCheck.hostPort("[::1]:25")! == ("::1", 25))
        #expect(ServiceSinkCheck.hostPort("smtp.example.org") == nil && ServiceSinkCheck.hostPort("a:0") == nil)
        #expect(ServiceSinkCheck.isMailAddress("oncall@example.org"))
        for bad in ["a", "a@b@c", "a b@c", "a@b\r\nBcc: x@y", "<a@b>", "a@b,c@d", "@b", "a@"] { #expect(!ServiceSinkCheck.isMailAddress(bad), "\(bad)") }
        #expect(NtfyMessage.split("https://ntfy.sh/web-alerts")! == ("https://ntfy.sh/", "web-alerts"))
        #expect(NtfyMessage.split("http://127.0.0.1:8080/sub/alerts/")! == ("http://127.0.0.1:8080/sub/", "alerts"))
        #expect(NtfyMessage.split("https://ntfy.sh/") == nil && NtfyMessage.split("https://ntfy.sh/a.b") == nil)
    }
}
