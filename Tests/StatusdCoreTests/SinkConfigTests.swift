import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("sink config")
struct SinkConfigTests {
    let base = """
    inputs:
      - {name: web, path: /var/log/nginx/access.log}
    """

    func load(_ rest: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: base + "\n" + rest, file: "s.yaml")
    }

    @Test("the issue's shape loads: url, url_file, url_env, secrets, severities, link, routing")
    func shape() throws {
        let c = try load("""
        sinks:
          - name: chat
            type: slack
            url: https://hooks.slack.com/services/T000/B000/XXXX
            severities: [critical]
            link: "https://grafana.example/d/web?host={host}&from={since}"
          - {name: ops, type: discord, url_file: /etc/statusd/discord.url}
          - {name: hook, type: webhook, url_env: HOOK_URL, secret_env: HOOK_SECRET}
          - {name: signed, type: webhook, url: "http://127.0.0.1:9/x", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", max_age: 1h}
          - {name: mm, type: mattermost, url: "https://mm.example/hooks/abc"}
          - {name: teams, type: teams, url: "https://prod.westus.logic.azure.com/workflows/x"}
          - {name: gc, type: googlechat, url: "https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t"}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, severity: critical, sinks: [chat, hook]}
          - {name: aborts, match: aborts, rate_above: 10%}
        """).get()
        #expect(c.sinks.map(\.name) == ["chat", "ops", "hook", "signed", "mm", "teams", "gc"])
        #expect(c.sinks[0].type == .slack && c.sinks[0].severities == [.critical] && c.sinks[0].link != nil)
        #expect(c.sinks[1].url == .file("/etc/statusd/discord.url"))
        #expect(c.sinks[2].url == .env("HOOK_URL") && c.sinks[2].secret == .env("HOOK_SECRET"))
        #expect(c.sinks[3].maxAgeSeconds == 3600 && c.sinks[3].hasInlineSecret)
        #expect(!c.sinks[1].hasInlineSecret)
        #expect(c.rules[0].sinks == ["chat", "hook"])
        #expect(c.rules[1].sinks == nil)
        #expect(c.sinks[0].urlPlace.line == 6)
    }

    @Test("errors carry file:line:column and never quote a URL or a secret")
    func errors() {
        let secretURL = "ftp://hooks.example/T0/SECRETTOKEN"
        let result = load("""
        sinks:
          - {name: chat, type: slak, url: "\(secretURL)"}
          - {name: two, type: slack, url: "https://a.example/SECRETTOKEN", url_env: X}
          - {name: journal, type: webhook, url: "https://a.example/"}
          - {name: s, type: slack, url: "https://a.example/", secret: "TOPSECRETVALUE12345"}
          - {name: w, type: webhook, url: "https://a.example/", secret: "short"}
          - {name: l, type: webhook, url: "https://a.example/", link: "https://g.example/?h={hostname}"}
          - {name: e, type: webhook, url_env: "1BAD"}
          - {name: c, type: webhook, url: "https://a.example/", severities: [fatal]}
          - {type: webhook}
        rules:
          - {name: r, match: 5xx, rate_above: 5%, sinks: [nope]}
          - {name: q, match: 5xx, rate_above: 5%, sinks: [c2]}
        """)
        guard case .failure(let e) = result else { Issue.record("loaded"); return }
        let text = e.description
        #expect(!text.contains("SECRETTOKEN") && !text.contains("TOPSECRET") && !text.contains("short") && !text.contains("ftp://"))
        #expect(text.contains("s.yaml:4:24: `type` must be one of slack, mattermost, discord, teams, googlechat, webhook, alertmanager, pagerduty, opsgenie, email, ntfy, telegram, matrix, not `slak`"))
        #expect(text.contains("s.yaml:4:35: `url` must be an http:// or https:// URL with a host"))
        #expect(text.contains("more than one of `url`, `url_file` and `url_env`"))
        #expect(text.contains("sink name `journal` is taken"))
        #expect(text.contains("only `webhook` sinks sign with a secret"))
        #expect(text.contains("`secret` must be at least 16 characters"))
        #expect(text.contains("placeholder `{hostname}`"))
        #expect(text.contains("`url_env` must be an environment variable name"))
        #expect(text.contains("`severities` must list critical, warning, not `fatal`"))
        #expect(text.contains("a sink needs a `name`"))
        #expect(!text.contains("sink `chat` needs one of"))
        #expect(text.contains("s.yaml:14:50: rule `r` sends to sink `nope`, which no sink defines"))
    }

    @Test("a rule routed to a sink that does not take its severity is an error; typos get a suggestion")
    func routing() {
        let result = load("""
        sinks:
          - {name: pager, type: slack, url: "https://a.example/x", severities: [critical]}
        rules:
          - {name: r, match: 5xx, rate_above: 5%, sinks: [pager]}
          - {name: q, match: 5xx, rate_above: 5%, sink: [pager]}
        """)
        guard case .failure(let e) = result else { Issue.record("loaded"); return }
        #expect(e.description.contains("rule `r` is warning but sink `pager` takes only critical"))
        #expect(e.description.contains("unknown key `sink` in a rule (did you mean `sinks`?)"))
    }

    @Test("URLs show their host only")
    func urls() {
        let u = SinkURL("https://hooks.slack.com/services/T/B/SECRET")
        #expect(u?.host == "hooks.slack.com" && u?.display == "https://hooks.slack.com/…")
        #expect("\(u!)".contains("SECRET") == false)
        #expect(SinkURL("http://user:pw@127.0.0.1:8080/x")?.host == "127.0.0.1")
        #expect(SinkURL("http://127.0.0.1:8080/x")?.port == 8080)
        #expect(SinkURL("http://[::1]:99/")?.host == "::1")
        #expect(SinkURL("file:///etc/passwd") == nil)
        #expect(SinkURL("https:///x") == nil)
        #expect(SinkURL("https://a b/") == nil)
    }

    @Test func base64() {
        #expect(Base64.encode(Array("hello world".utf8)) == "aGVsbG8gd29ybGQ=")
        #expect(Base64.decode("aGVsbG8gd29ybGQ=") == Array("hello world".utf8))
        #expect(Base64.decode("aGVsbG8gd29ybGQ") == Array("hello world".utf8))
        #expect(Base64.decode("a*") == nil)
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(($0 * 37) & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }
}
