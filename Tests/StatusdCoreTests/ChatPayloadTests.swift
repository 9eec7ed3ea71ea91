import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("chat payloads")
struct ChatPayloadTests {
    static let corpus = [
        "/<!channel>", "/<!here>", "/<!everyone>", "@channel", "@here", "@all", "@everyone", "<@U123456>", "<#C123|general>",
        "<!subteam^S123>", "<https://evil.example|click me>", "[click](https://evil.example)", "https://evil.example/x",
        "<users/all>", "<at>Boss</at>", "**bold** _it_ ~strike~ `code` ||spoiler|| > quote", "# heading\n- item",
        "a&b<c>d\"e'f", "\u{202E}gnp.exe", "line\nbreak\r\u{0}nul", "<@&987654321>", "＠everyone",
    ]

    static func transition(_ kind: AlertTransitionKind = .firing, group: String? = nil, rule: String = "server-errors") -> AlertTransition {
        let r = Rule(name: rule, match: set("5xx"), rateAbove: 0.05, resolveBelow: 0.02, window: 300, severity: .critical)
        let sum = WindowSum(total: 2000, matched: 146, codes: [(StatusCode(503)!, 26), (StatusCode(502)!, 120)])
        var t = AlertTransition(rule: r, kind: kind, sum: sum, inputs: ["web"], at: 1_795_169_110 + (kind == .resolved ? 252 : 0),
                                firedAt: 1_795_169_110, peakRate: 0.2)
        t.group = group
        return t
    }

    static func strings(_ v: Any) -> [String] {
        switch v {
        case let s as String: return [s]
        case let a as [Any]: return a.flatMap(strings)
        case let d as [String: Any]: return d.keys.map { $0 } + d.values.flatMap(strings)
        default: return []
        }
    }

    static func parse(_ v: JSONValue) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(v.bytes)) as? [String: Any])
    }

    static let chatKinds: [SinkConfig.Kind] = [.slack, .mattermost, .discord, .teams, .googlechat]

    @Test("no injection reaches any chat payload raw: mentions, links and markup are broken or escaped")
    func injection() throws {
        let dangerous = ["<!", "<@", "<#", "<users/", "<at>", "@channel", "@here", "@everyone", "@all", "](http", "://evil", "<https", "\u{202E}"]
        for kind in Self.chatKinds {
            for bad in Self.corpus {
                // Paths and hosts named in the message come from log lines: as untrusted as a group.
                var labelled = Self.transition()
                let value = [LabelCount(value: bad, count: 3)]
                labelled.topPaths = value
                labelled.topHosts = value
                labelled.byCode = [CodeLabels(code: StatusCode(502)!, count: 3, paths: value, hosts: value + value)]
                for t in [Self.transition(group: bad), Self.transition(.resolved, group: bad, rule: bad), labelled] {
                    let body = SinkPayload.render(kind, t, host: bad, link: nil)
                    let doc = try Self.parse(body)
                    for s in Self.strings(doc) {
                        for d in dangerous { #expect(!s.contains(d), "\(kind) carries \(d) raw for \(bad): \(s)") }
                    }
                }
            }
        }
    }

    @Test("Discord: allowed_mentions parse [] always, content plus one embed, within every limit")
    func discord() throws {
        let long = String(repeating: "/a*b_", count: 3000)
        for t in [Self.transition(), Self.transition(.resolved, group: long)] {
            let d = try Self.parse(SinkPayload.render(.discord, t, host: long, link: nil))
            #expect((d["allowed_mentions"] as? [String: Any])?["parse"] as? [Any] != nil)
            #expect(((d["allowed_mentions"] as? [String: Any])?["parse"] as? [Any])?.isEmpty == true)
            let content = try #require(d["content"] as? String)
            #expect(content.utf16.count <= 2000)
            let embed = try #require((d["embeds"] as? [[String: Any]])?.first)
            let title = embed["title"] as? String ?? "", desc = embed["description"] as? String ?? ""
            let fields = embed["fields"] as? [[String: Any]] ?? []
            let footer = (embed["footer"] as? [String: Any])?["text"] as? String ?? ""
            #expect(title.utf16.count <= 256 && desc.utf16.count <= 4096 && fields.count <= 25 && footer.utf16.count <= 2048)
            var total = title.utf16.count + desc.utf16.count + footer.utf16.count
            for f in fields {
                let n = f["name"] as? String ?? "", v = f["value"] as? String ?? ""
                #expect(n.utf16.count <= 256 && v.utf16.count <= 1024 && !v.isEmpty)
                total += n.utf16.count + v.utf16.count
            }
            #expect(total <= 6000)
        }
    }

    @Test("every service's limit holds for over-long and invalid UTF-8 values: cut, never refused")
    func limits() throws {
        let invalid = String(decoding: [0x2F, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82] + Array(repeating: UInt8(0x41), count: 50_000), as: UTF8.self)
        let t = Self.transition(group: invalid, rule: invalid)
        let link = try LinkTemplate.parse("https://grafana.example/d/web?host={host}&from={since}&to={until}").get()
        for kind in Self.chatKinds + [.webhook] {
            let body = SinkPayload.render(kind, t, host: invalid, link: link)
            let doc = try Self.parse(body)
            let bytes = body.bytes.count
            switch kind {
            case .slack:
                let blocks = doc["blocks"] as? [[String: Any]] ?? []
                let text = (blocks.first?["text"] as? [String: Any])?["text"] as? String ?? ""
                #expect(text.utf16.count <= 3000 && !text.isEmpty)
                #expect(text.contains("|Open dashboard>"))
            case .mattermost:
                #expect((doc["text"] as? String ?? "").utf16.count <= 16_383)
            case .teams: #expect(bytes <= 28_000)
            case .googlechat: #expect(bytes <= 32_000)
            default: break
            }
        }
    }

    @Test("a resolved message says so in its first words; a firing one too; an unknown kind renders like firing with its name")
    func firstWords() throws {
        let r = try Self.parse(SinkPayload.render(.slack, Self.transition(.resolved), host: "web-01", link: nil))
        #expect((r["text"] as? String)?.hasPrefix("RESOLVED server-errors on web-01: 5xx back to 7.3%") == true)
        let f = try Self.parse(SinkPayload.render(.slack, Self.transition(), host: "web-01", link: nil))
        #expect((f["text"] as? String)?.hasPrefix("FIRING [critical] server-errors on web-01: 7.3% of requests 5xx (limit 5%)") == true)
        let d = try Self.parse(SinkPayload.render(.discord, Self.transition(.resolved), host: "web-01", link: nil))
        #expect((d["content"] as? String)?.hasPrefix("**RESOLVED") == true)
        let p = try Self.parse(SinkPayload.render(.googlechat, Self.transition(.pending), host: "web-01", link: nil))
        #expect((p["text"] as? String)?.hasPrefix("PENDING [critical]") == true)
    }

    @Test("a message says rate against limit, counts, window, since, host, input, codes with meaning, and the link")
    func content() throws {
        let link = try LinkTemplate.parse("https://grafana.example/d/web?host={host}&from={since}").get()
        let c = ChatContent(Self.transition(), host: "web-01", link: link)
        let text = ChatPayload.plainText(c)
        #expect(text.contains("7.3% of requests were 5xx over the last 5m (146 of 2,000 requests; limit 5%), since"))
        #expect(text.contains("Host: web-01") && text.contains("Input: web"))
        #expect(text.contains("502 ×120 (Bad Gateway: usually upstream (down or crashing))"))
        #expect(text.contains("Link: https://grafana.example/d/web?host=web-01&from=\((1_795_169_110 - 300) * 1000)"))
        let resolved = ChatPayload.plainText(ChatContent(Self.transition(.resolved), host: "web-01", link: nil))
        #expect(resolved.contains("lasted 4m12s and peaked at 20%"))
    }

    @Test("the Slack payload: text fallback, a mrkdwn section and a context block, no unfurling")
    func slackShape() throws {
        let s = try Self.parse(SinkPayload.render(.slack, Self.transition(group: "a&b"), host: "h", link: nil))
        #expect(Set(s.keys) == ["text", "blocks", "unfurl_links", "unfurl_media"])
        let blocks = try #require(s["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["section", "context"])
        #expect(((blocks[0]["text"] as? [String: Any])?["text"] as? String)?.contains("[a&amp;b]") == true)
    }

    @Test("Teams: a Workflows message with an Adaptive Card 1.4 of TextRuns")
    func teamsShape() throws {
        let t = try Self.parse(SinkPayload.render(.teams, Self.transition(), host: "h", link: nil))
        #expect(t["type"] as? String == "message")
        let att = try #require((t["attachments"] as? [[String: Any]])?.first)
        #expect(att["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(att["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")
    }

    @Test("the webhook document keeps values as data, with its version and idempotency key")
    func webhook() throws {
        let bad = "/<!channel> @everyone"
        let d = try Self.parse(SinkPayload.render(.webhook, Self.transition(group: bad), host: "h", link: nil))
        #expect(d["version"] as? Int == 1 && d["type"] as? String == "alert")
        #expect(d["idempotency_key"] as? String == "server-errors[\(bad)]@1795169110/1" || d["idempotency_key"] as? String == "server-errors@1795169110/1")
        #expect(d["group"] as? String == bad)
        #expect(d["rate"] as? Double == 0.073 && d["limit"] as? Double == 0.05 && d["matched"] as? Int == 146)
        #expect((d["codes"] as? [[String: Any]])?.first?["code"] as? String == "502")
    }

    @Test("JSON strings escape quotes, backslashes and control characters")
    func json() {
        #expect(JSONValue.string("a\"b\\c\n\u{1}\u{2028}").serialized == #""a\"b\\c\n\u0001\u2028""#)
        #expect(JSONValue.object([("a", .double(0.5)), ("b", .double(2)), ("c", .array([.null, true]))]).serialized == #"{"a":0.5,"b":2,"c":[null,true]}"#)
    }
}
