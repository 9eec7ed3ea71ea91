import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The Alertmanager renderings, byte for byte: `POST /api/v2/alerts` bodies and the `webhook`
/// sink's `payload: alertmanager`.
@Suite("alertmanager payloads")
struct AlertmanagerPayloadTests {
    static let now: Int64 = 1_795_169_130
    static let options = AlertmanagerAlert.Options(host: "web-01", validForSeconds: 240)

    static let firingDescription = "[critical] server-errors FIRING: 7.3% of requests were 5xx over the last 5m on web (146 of 2,000; limit 5%), "
        + "since 10:05:10 UTC. Codes: 502 ×120 (Bad Gateway: usually upstream (down or crashing)), "
        + "503 ×26 (Service Unavailable: usually origin or upstream)."
    static let codes = "502 ×120 (Bad Gateway: usually upstream (down or crashing)), 503 ×26 (Service Unavailable: usually origin or upstream)."

    @Test("a firing alert: labels that name it, annotations that explain it, endsAt four re-sends ahead")
    func firing() {
        let t = ChatPayloadTests.transition()
        let body = AlertmanagerAlert.postBody([t], options: Self.options, now: Self.now).serialized
        let expected = #"[{"labels":{"alertname":"server-errors","rule":"server-errors","host":"web-01","input":"web","severity":"critical"},"#
            + #""annotations":{"summary":"server-errors on web-01: 7.3% of requests 5xx (limit 5%)","description":""# + Self.firingDescription + #"","#
            + #""codes":""# + Self.codes + #"","rate":"7.3%","limit":"5%","window":"5m","alert_id":"server-errors@1795169110","#
            + #""idempotency_key":"server-errors@1795169110/1"},"#
            + #""startsAt":"2026-11-20T10:05:10Z","endsAt":"2026-11-20T10:09:30Z","generatorURL":"statusd://web-01/rules/server-errors"}]"#
        #expect(body == expected)
    }

    @Test("where it hurts: the top paths and hosts behind the codes are annotations of their own")
    func paths() {
        var t = ChatPayloadTests.transition()
        t.topPaths = [LabelCount(value: "/api/checkout", count: 61), LabelCount(value: "/login", count: 13)]
        t.topHosts = [LabelCount(value: "shop.example", count: 74)]
        let a = AlertmanagerAlert(t, options: Self.options, now: Self.now)
        #expect(a.annotations.first { $0.0 == "paths" }?.1 == "/api/checkout (61), /login (13)")
        #expect(a.annotations.first { $0.0 == "hosts" }?.1 == "shop.example (74)")
    }

    @Test("a resolved alert of a grouped rule: endsAt is the second it resolved, the group is a label")
    func resolved() {
        let t = ChatPayloadTests.transition(.resolved, group: "shop.example")
        let link = try! LinkTemplate.parse("https://grafana.example/d/web?host={host}&from={since}").get()
        let o = AlertmanagerAlert.Options(host: "web-01", generatorURL: nil, link: link, validForSeconds: 240)
        let a = AlertmanagerAlert(t, options: o, now: Self.now)
        #expect(a.labels.map { "\($0.0)=\($0.1)" } == ["alertname=server-errors", "rule=server-errors", "host=web-01", "input=web",
                                                         "group=shop.example", "severity=critical"])
        let json = a.postable.serialized
        #expect(json.hasSuffix(#""link":"https://grafana.example/d/web?host=web-01&from=1795168810000"},"#
            + #""startsAt":"2026-11-20T10:05:10Z","endsAt":"2026-11-20T10:09:22Z","#
            + #""generatorURL":"https://grafana.example/d/web?host=web-01&from=1795168810000"}"#), "\(json)")
        #expect(json.contains(#""summary":"server-errors [shop.example] on web-01: 5xx back to 7.3% of requests""#), "\(json)")
        #expect(json.contains(#""idempotency_key":"server-errors@1795169110/2""#))
    }

    @Test("a backlog posts the latest state of each alert once, in the order first seen")
    func backlog() throws {
        let a1 = ChatPayloadTests.transition(), a2 = ChatPayloadTests.transition(.resolved)
        let b1 = ChatPayloadTests.transition(rule: "aborts")
        let body = AlertmanagerAlert.postBody([a1, b1, a2], options: Self.options, now: Self.now)
        let alerts = try #require(try JSONSerialization.jsonObject(with: Data(body.bytes)) as? [[String: Any]])
        #expect(alerts.count == 2)
        #expect((alerts[0]["labels"] as? [String: String])?["alertname"] == "server-errors")
        #expect(alerts[0]["endsAt"] as? String == "2026-11-20T10:09:22Z")
        #expect((alerts[1]["labels"] as? [String: String])?["alertname"] == "aborts")
    }

    @Test("the fingerprint is prometheus/common's: FNV-1a 64 of the sorted labels")
    func fingerprint() {
        // The empty label set hashes to the FNV offset basis, as in prometheus/common.
        #expect(AlertmanagerAlert.fingerprint([]) == "cbf29ce484222325")
        // Order does not matter; values do.
        let a = AlertmanagerAlert.fingerprint([("alertname", "x"), ("host", "a")])
        #expect(a == AlertmanagerAlert.fingerprint([("host", "a"), ("alertname", "x")]))
        #expect(a != AlertmanagerAlert.fingerprint([("host", "b"), ("alertname", "x")]))
        #expect(a.count == 16)
    }

    @Test("payload: alertmanager is Alertmanager's webhook message, version 4, one group of one alert")
    func webhook() {
        let t = ChatPayloadTests.transition()
        let body = AlertmanagerWebhook.render(t, receiver: "hook", options: Self.options, now: Self.now).serialized
        let labels = #"{"alertname":"server-errors","rule":"server-errors","host":"web-01","input":"web","severity":"critical"}"#
        let annotations = #"{"summary":"server-errors on web-01: 7.3% of requests 5xx (limit 5%)","description":""# + Self.firingDescription + #"","#
            + #""codes":""# + Self.codes + #"","rate":"7.3%","limit":"5%","window":"5m","alert_id":"server-errors@1795169110","#
            + #""idempotency_key":"server-errors@1795169110/1"}"#
        let fp = AlertmanagerAlert.fingerprint(AlertmanagerAlert.labels(t, host: "web-01"))
        let expected = #"{"version":"4","groupKey":"{}:{alertname=\"server-errors\"}","truncatedAlerts":0,"status":"firing","receiver":"hook","#
            + #""groupLabels":{"alertname":"server-errors"},"commonLabels":"# + labels + #","commonAnnotations":"# + annotations + ","
            + #""externalURL":"statusd://web-01/","alerts":[{"status":"firing","labels":"# + labels + #","annotations":"# + annotations + ","
            + #""startsAt":"2026-11-20T10:05:10Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"statusd://web-01/rules/server-errors","#
            + #""fingerprint":""# + fp + #""}]}"#
        #expect(body == expected)
    }

    @Test("an Alertmanager webhook digest: resolved when every alert resolved, common labels only what all share")
    func webhookDigest() throws {
        let ts = [ChatPayloadTests.transition(), ChatPayloadTests.transition(rule: "aborts"), ChatPayloadTests.transition(.resolved),
                  ChatPayloadTests.transition(.resolved, rule: "aborts")]
        let doc = try ChatPayloadTests.parse(AlertmanagerWebhook.digest(ts, receiver: "hook", options: Self.options, now: Self.now))
        #expect(doc["status"] as? String == "resolved")
        #expect((doc["alerts"] as? [[String: Any]])?.count == 2)
        #expect(doc["commonLabels"] as? [String: String] == ["host": "web-01", "input": "web", "severity": "critical"])
        #expect(doc["groupLabels"] as? [String: String] == [:])
        #expect(doc["groupKey"] as? String == "{}:{}")
    }

    @Test("test-sink: an already-resolved alert for Alertmanager (stored, notifies no one); a firing one for a webhook")
    func tests() throws {
        let am = AlertmanagerAlert.test(sink: "am", host: "web-01", at: Self.now).serialized
        #expect(am == #"[{"labels":{"alertname":"statusd-test","host":"web-01","sink":"am","severity":"none"},"#
            + #""annotations":{"summary":"TEST from statusd on web-01: sink am works. No alert is firing."},"#
            + #""startsAt":"2026-11-20T10:05:29Z","endsAt":"2026-11-20T10:05:29Z","generatorURL":"statusd://web-01/test"}]"#)
        let hook = try ChatPayloadTests.parse(AlertmanagerWebhook.test(sink: "hook", host: "web-01", at: Self.now))
        #expect(hook["version"] as? String == "4" && hook["status"] as? String == "firing")
        #expect(((hook["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])?["alertname"] == "statusd-test")
    }
}

/// What an Alertmanager sink keeps re-sending, and that it survives the checkpoint.
@Suite("standing alerts")
struct StandingAlertsTests {
    @Test("firing alerts stand while their episode fires; resolved ones for resolve_resend_for; per sink")
    func due() {
        let firing = ChatPayloadTests.transition()
        let resolved = ChatPayloadTests.transition(.resolved)
        let other = ChatPayloadTests.transition(rule: "aborts")
        var s = StandingAlerts()
        s.record([firing, other], sink: "am", now: 100)
        #expect(s.count(for: "am") == 2 && s.count(for: "am[2]") == 0)
        let ids: Set<String> = ["server-errors@1795169110", "aborts@1795169110"]
        #expect(s.due(for: "am", now: 160, resolvedFor: 300, firing: ids).map(\.rule) == ["aborts", "server-errors"])
        // The alert states no longer say `aborts` fires (its rule was removed): dropped.
        #expect(s.due(for: "am", now: 170, resolvedFor: 300, firing: ["server-errors@1795169110"]).map(\.rule) == ["server-errors"])
        #expect(s.count(for: "am") == 1)
        // Resolved: re-sent for 300 s after the sink got it, then dropped.
        s.record([resolved], sink: "am", now: 200)
        #expect(s.due(for: "am", now: 500, resolvedFor: 300, firing: []).map(\.kind) == [.resolved])
        #expect(s.due(for: "am", now: 501, resolvedFor: 300, firing: []).isEmpty)
        #expect(s.count(for: "am") == 0)
    }

    @Test("kept in the outbox: saved and loaded with it; an outbox saved before has none; a removed sink's go")
    func durable() throws {
        var o = Outbox()
        o.enqueue(ChatPayloadTests.transition(), sinks: ["journal", "am"], now: 100)
        o.standing.record([ChatPayloadTests.transition()], sink: "am", now: 101)
        let data = try JSONEncoder().encode(o)
        let back = try JSONDecoder().decode(Outbox.self, from: data)
        #expect(back == o && back.standing.count(for: "am") == 1)
        let old = try JSONDecoder().decode(Outbox.self, from: Data(#"{"entries":[],"next_seq":7}"#.utf8))
        #expect(old.nextSeq == 7 && old.standing == StandingAlerts())
        var r = back
        r.retain(sinks: ["journal"])
        #expect(r.standing.count(for: "am") == 0)
    }
}

/// `type: alertmanager`, `payload:` and `host:` in the config.
@Suite("alertmanager config")
struct AlertmanagerConfigTests {
    let base = """
    inputs:
      - {name: web, path: /var/log/nginx/access.log}
    rules:
      - {name: server-errors, match: 5xx, rate_above: 5%}
    """

    func load(_ rest: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: base + "\n" + rest, file: "s.yaml")
    }

    @Test("url or urls, resend_interval, resend_resolved_for, generator_url; webhook payload; host")
    func loads() throws {
        let c = try load("""
        host: web-07
        sinks:
          - {name: am, type: alertmanager, urls: ["http://am1:9093", "http://am2:9093/"], resend_interval: 30s, resend_resolved_for: 10m,
             generator_url: "https://grafana.example/d/x?host={host}"}
          - {name: one, type: alertmanager, url: "http://127.0.0.1:9093"}
          - {name: hook, type: webhook, url: "https://hooks.example/x", payload: alertmanager}
          - {name: plain, type: webhook, url: "https://hooks.example/y"}
        """).get()
        #expect(c.host == "web-07")
        #expect(c.sinks[0].type == .alertmanager && c.sinks[0].allURLs == [.inline("http://am1:9093"), .inline("http://am2:9093/")])
        #expect(c.sinks[0].resendIntervalSeconds == 30 && c.sinks[0].resendResolvedSeconds == 600 && c.sinks[0].generatorURL != nil)
        #expect(c.sinks[1].allURLs == [.inline("http://127.0.0.1:9093")] && c.sinks[1].resendIntervalSeconds == 60
            && c.sinks[1].resendResolvedSeconds == 300)
        #expect(c.sinks[2].payload == .alertmanager && c.sinks[3].payload == .statusd)
    }

    @Test("keys on the wrong sink type, url with urls, a bad URL in urls: errors with their lines, no URL quoted")
    func errors() {
        guard case .failure(let e) = load("""
        host: ""
        sinks:
          - {name: a, type: slack, url: "https://hooks.slack.com/x", payload: alertmanager}
          - {name: b, type: webhook, url: "https://h.example/x", resend_interval: 1m}
          - {name: c, type: alertmanager, url: "http://am1:9093", urls: ["http://am2:9093"]}
          - {name: d, type: alertmanager, urls: ["http://am1:9093", "not-a-url-SECRET"]}
          - {name: e, type: alertmanager, url: "http://am1:9093", resend_interval: 0s}
          - {name: f, type: webhook, url: "https://h.example/x", payload: prometheus}
        """) else { Issue.record("loaded"); return }
        let text = e.description
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("s.yaml:5:7: `host` must be a host name") }, "\(text)")
        #expect(lines.contains { $0.hasPrefix("s.yaml:7:") && $0.contains("sink `a` is `slack`: `payload` is for `webhook` sinks only") }, "\(text)")
        #expect(text.contains("sink `b` is `webhook`: `resend_interval` is for `alertmanager` sinks only"), "\(text)")
        #expect(text.contains("sink `c` has more than one of `url`, `url_file` and `url_env` (or `urls`): keep one"), "\(text)")
        #expect(text.contains("each of `urls` must be an http:// or https:// URL"), "\(text)")
        #expect(text.contains("`resend_interval` must be between 1s and 1h"), "\(text)")
        #expect(text.contains("`payload` must be one of statusd, alertmanager"), "\(text)")
        #expect(!text.contains("SECRET"))
    }
}
