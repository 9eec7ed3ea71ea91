import StatusdEngine
/// Renders a `ChatContent` as the JSON body each service's incoming webhook takes, within that
/// service's documented limits (cut, never refused), with untrusted text escaped for it.
///
/// Slack: `text` fallback plus `blocks` (section ≤ 3,000 characters). Mattermost: `text` plus an
/// attachment (`fallback`, `color`, `text` ≤ 16,383). Discord: `content` (≤ 2,000) plus one embed
/// (title 256, description 4,096, fields 25 × 1,024, footer 2,048, 6,000 in all) and
/// `allowed_mentions: {"parse": []}` always. Teams: a Workflows message carrying an Adaptive Card
/// 1.4 of `TextRun`s (no Markdown, no mention entities), under 28 KB. Google Chat: `text` plus
/// `cardsV2`, under 32,000 bytes.
public enum ChatPayload {
    public static func render(_ kind: SinkConfig.Kind, _ c: ChatContent) -> JSONValue {
        switch kind {
        case .slack: return slack(c)
        case .mattermost: return mattermost(c)
        case .discord: return discord(c)
        case .teams: return teams(c)
        case .googlechat: return googleChat(c)
        case .webhook, .alertmanager, .pagerduty, .opsgenie, .email, .ntfy, .telegram, .matrix:
            return .object([("version", 1), ("kind", .string(c.state.lowercased())), ("text", .string(plainText(c)))])
        }
    }

    /// The message as plain text (a webhook document's `text`, logs of test-sink).
    public static func plainText(_ c: ChatContent) -> String {
        ([c.headline.plain] + c.plainLines { $0 } + (c.link.map { ["Link: \($0)"] } ?? []) + (c.runbook.map { ["Runbook: \($0)"] } ?? []))
            .joined(separator: "\n")
    }

    static func color(_ c: ChatContent) -> (hex: String, int: Int64) {
        if c.resolved { return ("#2EB67D", 0x2EB67D) }
        if c.state == "TEST" { return ("#439FE0", 0x439FE0) }
        return c.severity == .critical ? ("#E01E5A", 0xE01E5A) : ("#ECB22E", 0xECB22E)
    }

    // MARK: Slack

    public static let slackSectionLimit = 3000

    static func slack(_ c: ChatContent) -> JSONValue {
        let e = Untrusted.slack
        var body = "*\(c.headline.render(e))*\n" + c.summary.render(e)
        for f in c.facts { body += "\n*\(f.name):* \(f.value.render(e))" }
        let linkText = (c.link.map { "\n<\(slackURL($0))|Open dashboard>" } ?? "") + (c.runbook.map { "\n<\(slackURL($0))|Runbook>" } ?? "")
        body = Trim.utf16(body, slackSectionLimit - linkText.utf16.count) + linkText
        var blocks: [JSONValue] = [.object([("type", "section"), ("text", .object([("type", "mrkdwn"), ("text", .string(body))]))])]
        if let runbook = c.runbook {
            blocks.append(.object([("type", "actions"), ("elements", .array([.object([
                ("type", "button"), ("text", .object([("type", "plain_text"), ("text", "Runbook")])), ("url", .string(runbook)),
            ])]))]))
        }
        return .object([
            ("text", .string(Trim.utf16(c.headline.render(e), 3000))),
            ("blocks", .array(blocks + [
                .object([("type", "context"), ("elements", .array([.object([("type", "mrkdwn"), ("text", .string(Trim.utf16(c.footer.render(e), 3000)))])]))]),
            ])),
            ("unfurl_links", false),
            ("unfurl_media", false),
        ])
    }

    /// A URL inside Slack's `<url|label>`: `|` and `>` would end it early.
    static func slackURL(_ url: String) -> String {
        url.replacingAll("|", "%7C").replacingAll(">", "%3E").replacingAll("<", "%3C")
    }

    // MARK: Mattermost

    public static let mattermostTextLimit = 16_383

    static func mattermost(_ c: ChatContent) -> JSONValue {
        let e = Untrusted.mattermost
        let headline = c.headline.render(e)
        var text = c.summary.render(e)
        for f in c.facts { text += "\n**\(f.name):** \(f.value.render(e))" }
        if let link = c.link { text += "\n[Open dashboard](\(markdownURL(link)))" }
        if let runbook = c.runbook { text += "\n[Runbook](\(markdownURL(runbook)))" }
        text += "\n" + c.footer.render(e)
        var attachment: [(String, JSONValue)] = [
            ("fallback", .string(Trim.utf16(c.headline.render(Untrusted.slack), 3000))),
            ("color", .string(color(c).hex)),
            ("title", .string(Trim.utf16(headline, 1024))),
            ("text", .string(Trim.utf16(text, mattermostTextLimit))),
        ]
        if let link = c.link { attachment.append(("title_link", .string(link))) }
        return .object([
            ("text", .string(Trim.utf16("#### " + headline, mattermostTextLimit))),
            ("attachments", .array([.object(attachment)])),
        ])
    }

    static func markdownURL(_ url: String) -> String {
        url.replacingAll("(", "%28").replacingAll(")", "%29").replacingAll(" ", "%20")
    }

    // MARK: Discord

    public static let discordContentLimit = 2000
    public static let discordEmbedTotal = 6000

    static func discord(_ c: ChatContent) -> JSONValue {
        let e = Untrusted.discord
        let content = Trim.utf16("**\(c.headline.render(e))**", discordContentLimit)
        let title = Trim.utf16(c.headline.render(e), 256)
        let footer = Trim.utf16(c.footer.render(e), 2048)
        var budget = discordEmbedTotal - title.utf16.count - footer.utf16.count
        var fields: [JSONValue] = []
        for f in c.facts.prefix(25) {
            let name = Trim.utf16(f.name, 256)
            let value = Trim.utf16(f.value.render(e), min(1024, max(1, budget - name.utf16.count - 1)))
            guard budget - name.utf16.count - value.utf16.count > 100 else { break }
            budget -= name.utf16.count + value.utf16.count
            fields.append(.object([("name", .string(name)), ("value", .string(value)), ("inline", .bool(f.name != "Codes"))]))
        }
        if let runbook = c.runbook, fields.count < 25 {
            let value = "[Runbook](\(markdownURL(runbook)))"
            if value.utf16.count <= 1024, budget - value.utf16.count - 7 > 100 {
                budget -= value.utf16.count + 7
                fields.append(.object([("name", "Runbook"), ("value", .string(value)), ("inline", false)]))
            }
        }
        let description = Trim.utf16(c.summary.render(e), min(4096, max(1, budget)))
        var embed: [(String, JSONValue)] = [
            ("title", .string(title)), ("description", .string(description)), ("color", .int(color(c).int)),
            ("fields", .array(fields)), ("footer", .object([("text", .string(footer))])), ("timestamp", .string(c.timestamp)),
        ]
        if let link = c.link { embed.insert(("url", .string(link)), at: 1) }
        return .object([
            ("content", .string(content)),
            ("embeds", .array([.object(embed)])),
            ("allowed_mentions", .object([("parse", .array([]))])),
        ])
    }

    // MARK: Teams

    public static let teamsByteLimit = 28_000

    static func teams(_ c: ChatContent) -> JSONValue {
        func card(_ cut: Int) -> JSONValue {
            let e = { (s: String) in Untrusted.teams(s) }
            func run(_ text: String, bold: Bool = false, color: String? = nil) -> JSONValue {
                var r: [(String, JSONValue)] = [("type", "TextRun"), ("text", .string(Trim.utf8(text, cut)))]
                if bold { r.append(("weight", "bolder")) }
                if let color { r.append(("color", .string(color))) }
                return .object(r)
            }
            func block(_ inlines: [JSONValue], separator: Bool = false) -> JSONValue {
                var b: [(String, JSONValue)] = [("type", "RichTextBlock"), ("inlines", .array(inlines))]
                if separator { b.append(("separator", true)) }
                return .object(b)
            }
            let tone = c.resolved ? "good" : (c.severity == .critical ? "attention" : "warning")
            var body: [JSONValue] = [
                block([run(c.headline.render(e), bold: true, color: tone)]),
                block([run(c.summary.render(e))]),
            ]
            for f in c.facts { body.append(block([run("\(f.name): ", bold: true), run(f.value.render(e))])) }
            body.append(block([run(c.footer.render(e))], separator: true))
            var content: [(String, JSONValue)] = [
                ("$schema", "http://adaptivecards.io/schemas/adaptive-card.json"), ("type", "AdaptiveCard"), ("version", "1.4"),
                ("body", .array(body)),
            ]
            var actions: [JSONValue] = []
            if let link = c.link { actions.append(.object([("type", "Action.OpenUrl"), ("title", "Open dashboard"), ("url", .string(link))])) }
            if let runbook = c.runbook { actions.append(.object([("type", "Action.OpenUrl"), ("title", "Runbook"), ("url", .string(runbook))])) }
            if !actions.isEmpty { content.append(("actions", .array(actions))) }
            content.append(("msteams", .object([("width", "Full")])))
            return .object([
                ("type", "message"),
                ("attachments", .array([.object([
                    ("contentType", "application/vnd.microsoft.card.adaptive"), ("contentUrl", .null), ("content", .object(content)),
                ])])),
            ])
        }
        // Cut each text harder until the whole message fits.
        var cut = 8000
        var message = card(cut)
        while message.serialized.utf8.count > teamsByteLimit, cut > 64 {
            cut /= 2
            message = card(cut)
        }
        return message
    }

    // MARK: Google Chat

    public static let googleChatByteLimit = 32_000

    static func googleChat(_ c: ChatContent) -> JSONValue {
        func message(_ cut: Int) -> JSONValue {
            let h = Untrusted.html
            var paragraph = Trim.utf8(c.summary.render(h), cut)
            for f in c.facts { paragraph += "<br><b>\(f.name):</b> " + Trim.utf8(f.value.render(h), cut) }
            var widgets: [JSONValue] = [.object([("textParagraph", .object([("text", .string(paragraph))]))])]
            let buttons: [JSONValue] = [("Open dashboard", c.link), ("Runbook", c.runbook)].compactMap { label, url in
                url.map { .object([("text", .string(label)), ("onClick", .object([("openLink", .object([("url", .string($0))]))]))]) }
            }
            if !buttons.isEmpty { widgets.append(.object([("buttonList", .object([("buttons", .array(buttons))]))])) }
            widgets.append(.object([("textParagraph", .object([("text", .string(Trim.utf8(c.footer.render(h), cut)))]))]))
            return .object([
                ("text", .string(Trim.utf8(c.headline.render(Untrusted.googleText), 4000))),
                ("cardsV2", .array([.object([
                    ("cardId", .string("statusd")),
                    ("card", .object([
                        ("header", .object([("title", .string(Trim.utf8(c.headline.plain, 200))), ("subtitle", .string("statusd"))])),
                        ("sections", .array([.object([("widgets", .array(widgets))])])),
                    ])),
                ])])),
            ])
        }
        var cut = 16_000
        var m = message(cut)
        while m.serialized.utf8.count > googleChatByteLimit, cut > 64 {
            cut /= 2
            m = message(cut)
        }
        return m
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// The body a sink of `kind` posts for one transition.
public enum SinkPayload {
    public static func render(_ kind: SinkConfig.Kind, _ t: AlertTransition, host: String, link: LinkTemplate?) -> JSONValue {
        if kind == .webhook { return WebhookDocument.render(t, host: host, link: link) }
        return ChatPayload.render(kind, ChatContent(t, host: host, link: link))
    }

    /// `statusd test-sink`'s message.
    public static func test(_ kind: SinkConfig.Kind, sink: String, host: String, at: Int64) -> JSONValue {
        if kind == .webhook { return WebhookDocument.test(sink: sink, host: host, at: at) }
        return ChatPayload.render(kind, ChatContent.test(sink: sink, host: host, at: at))
    }
}
