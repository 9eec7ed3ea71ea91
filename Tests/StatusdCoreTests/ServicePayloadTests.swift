import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The request each paging, push and mail service documents, its limits, its idempotency key,
/// and the injection corpus of the chat sinks; the runbook in every message of every sink.
@Suite("service payloads")
struct ServicePayloadTests {
    static let host = "web-01"

    static func target(_ kind: SinkConfig.Kind, url: String) -> ServiceTarget {
        var s = ServiceSinkSettings()
        s.chatID = "-100123"
        s.room = "!room:example.org"
        return ServiceTarget(kind: kind, url: url, credential: "CRED-123:abc", settings: s, host: host,
                             link: try? LinkTemplate.parse("https://grafana.example/d/x?host={host}").get())
    }

    static let targets: [ServiceTarget] = [
        target(.pagerduty, url: "https://events.pagerduty.com/v2/enqueue"), target(.opsgenie, url: "https://api.opsgenie.com"),
        target(.ntfy, url: "https://ntfy.sh/web-alerts"), target(.telegram, url: "https://api.telegram.org"),
        target(.matrix, url: "https://matrix.example.org/"),
    ]

    static func transition(_ kind: AlertTransitionKind = .firing, group: String? = nil, rule: String = "server-errors") -> AlertTransition {
        var t = ChatPayloadTests.transition(kind, group: group, rule: rule)
        t.runbook = "https://wiki.example/rb/{rule}"
        return t
    }

    static func json(_ r: ServiceRequest) throws -> [String: Any] { try ChatPayloadTests.parse(r.body) }
    static func header(_ r: ServiceRequest, _ name: String) -> String? { r.headers.first { $0.name == name }?.value }

    @Test("PagerDuty: trigger then resolve on the same dedup_key (the alert id); summary, source, severity, details, links")
    func pagerduty() throws {
        let t = Self.targets[0]
        let fire = try #require(ServiceRequests.alert(Self.transition(), t).first)
        #expect(fire.url == "https://events.pagerduty.com/v2/enqueue" && fire.method == .post)
        let f = try Self.json(fire)
        #expect(f["routing_key"] as? String == "CRED-123:abc" && f["event_action"] as? String == "trigger")
        #expect(f["dedup_key"] as? String == "server-errors@1795169110")
        let p = try #require(f["payload"] as? [String: Any])
        #expect((p["summary"] as? String)?.hasPrefix("FIRING [critical] server-errors on web-01") == true)
        #expect(p["source"] as? String == "web-01" && p["severity"] as? String == "critical")
        #expect(p["timestamp"] as? String == CivilTime.iso8601(1_795_169_110))
        let details = try #require(p["custom_details"] as? [String: Any])
        #expect((details["codes"] as? [String: Int]) == ["502": 120, "503": 26] && details["matched"] as? Int == 146)
        let links = try #require(f["links"] as? [[String: String]])
        #expect(links.contains { $0["href"] == "https://wiki.example/rb/server-errors" && $0["text"] == "Runbook" })
        let resolve = try Self.json(try #require(ServiceRequests.alert(Self.transition(.resolved), t).first))
        #expect(resolve["event_action"] as? String == "resolve" && resolve["dedup_key"] as? String == "server-errors@1795169110")
        #expect(resolve["payload"] == nil)
        // Limits: a 5,000-character group is cut in the summary and the dedup key stays within 255.
        let long = try Self.json(try #require(ServiceRequests.alert(Self.transition(group: String(repeating: "g", count: 5000)), t).first))
        #expect(((long["payload"] as? [String: Any])?["summary"] as? String).map { $0.count <= 1024 } == true)
        #expect((long["dedup_key"] as? String).map { $0.utf8.count <= 255 } == true)
        // No digest: each trigger and resolve goes on its own.
        #expect(ServiceRequests.digest([Self.transition()], key: "digest/1-2", t) == nil)
        // test-sink: an info trigger resolved at once.
        let test = ServiceRequests.test(sink: "pd", at: 1_795_169_000, t).map { try? Self.json($0) }
        #expect(test.map { $0?["event_action"] as? String } == ["trigger", "resolve"])
    }

    @Test("Opsgenie: create with alias = alert id, GenieKey, P1; close by alias; limits")
    func opsgenie() throws {
        let t = Self.targets[1]
        let create = try #require(ServiceRequests.alert(Self.transition(), t).first)
        #expect(create.url == "https://api.opsgenie.com/v2/alerts" && Self.header(create, "Authorization") == "GenieKey CRED-123:abc")
        let c = try Self.json(create)
        #expect(c["alias"] as? String == "server-errors@1795169110" && c["priority"] as? String == "P1")
        #expect((c["message"] as? String).map { $0.count <= 130 } == true && c["entity"] as? String == "web-01")
        #expect((c["details"] as? [String: String])?["runbook"] == "https://wiki.example/rb/server-errors")
        #expect((c["tags"] as? [String]) == ["statusd", "critical", "server-errors"])
        let close = try #require(ServiceRequests.alert(Self.transition(.resolved), t).first)
        #expect(close.url == "https://api.opsgenie.com/v2/alerts/server-errors%401795169110/close?identifierType=alias")
        #expect(try Self.json(close)["source"] as? String == "statusd")
    }

    @Test("ntfy: JSON publish to the root with the topic, priority and tags from severity, Markdown, click and actions, 4,096 bytes")
    func ntfy() throws {
        let t = Self.targets[2]
        var big = Self.transition()
        big.topPaths = (0..<50).map { LabelCount(value: "/" + String(repeating: "p\($0)", count: 100), count: 3) }
        big.byCode = [CodeLabels(code: StatusCode(502)!, count: 3, paths: big.topPaths!, hosts: [])]
        let r = try #require(ServiceRequests.alert(big, t).first)
        #expect(r.url == "https://ntfy.sh/" && Self.header(r, "Authorization") == "Bearer CRED-123:abc")
        let j = try Self.json(r)
        #expect(j["topic"] as? String == "web-alerts" && j["priority"] as? Int == 5 && j["markdown"] as? Bool == true)
        #expect((j["tags"] as? [String])?.first == "rotating_light")
        #expect((j["message"] as? String).map { $0.utf8.count <= 4096 } == true)
        #expect(j["click"] as? String == "https://grafana.example/d/x?host=web-01")
        #expect((j["actions"] as? [[String: Any]])?.contains { $0["url"] as? String == "https://wiki.example/rb/server-errors" } == true)
        let resolved = try Self.json(try #require(ServiceRequests.alert(Self.transition(.resolved), t).first))
        #expect(resolved["priority"] as? Int == 3 && (resolved["tags"] as? [String])?.first == "white_check_mark")
    }

    @Test("Telegram: sendMessage under /bot<token>/, HTML with statusd's tags only, 4,096 characters")
    func telegram() throws {
        let t = Self.targets[3]
        let r = try #require(ServiceRequests.alert(Self.transition(group: String(repeating: "<b>&", count: 3000)), t).first)
        #expect(r.url == "https://api.telegram.org/botCRED-123:abc/sendMessage")
        let j = try Self.json(r)
        #expect(j["chat_id"] as? String == "-100123" && j["parse_mode"] as? String == "HTML")
        #expect(((j["link_preview_options"] as? [String: Any])?["is_disabled"] as? Bool) == true)
        let text = try #require(j["text"] as? String)
        #expect(text.utf16.count <= 4096)
        Self.checkHTML(text, allowed: ["b", "i", "a"])
        #expect(text.contains("<a href=\"https://wiki.example/rb/server-errors\">Runbook</a>"))
    }

    @Test("Matrix: PUT send/m.room.message/{txnId} with txnId = the idempotency key, m.notice with HTML")
    func matrix() throws {
        let t = Self.targets[4]
        let tr = Self.transition()
        let r = try #require(ServiceRequests.alert(tr, t).first)
        #expect(r.method == .put)
        #expect(r.url == "https://matrix.example.org/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/"
            + LinkTemplate.percentEncode(tr.idempotencyKey!))
        #expect(Self.header(r, "Authorization") == "Bearer CRED-123:abc")
        let j = try Self.json(r)
        #expect(j["msgtype"] as? String == "m.notice" && j["format"] as? String == "org.matrix.custom.html")
        #expect((j["body"] as? String)?.contains("Runbook: https://wiki.example/rb/server-errors") == true)
        Self.checkHTML(try #require(j["formatted_body"] as? String), allowed: ["b", "i", "a", "br"])
        // The same notification is the same transaction, whenever it is built.
        #expect(ServiceRequests.alert(tr, t).first?.url == r.url)
        // A digest's transaction is the digest's key.
        let d = try #require(ServiceRequests.digest([tr, Self.transition(.resolved)], key: "digest/1-2", t)?.first)
        #expect(d.url.hasSuffix("/send/m.room.message/digest%2F1-2"))
        let huge = ServiceRequests.alert(Self.transition(group: String(repeating: "x", count: 200_000)), t).first!
        #expect(huge.body.serialized.utf8.count <= MatrixMessage.eventLimit)
    }

    /// Every `<` opens or closes one of `allowed` (an `a` with an `href` only); every `&` is an entity.
    static func checkHTML(_ html: String, allowed: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
        var rest = Substring(html)
        while let lt = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: lt)...]
            guard let gt = after.firstIndex(of: ">") else { Issue.record("unclosed < in \(html.prefix(200))", sourceLocation: sourceLocation); return }
            var tag = String(after[..<gt])
            if tag.hasPrefix("/") { tag.removeFirst() }
            let name = String(tag.prefix { $0 != " " })
            #expect(allowed.contains(name), "tag <\(tag)> in \(html.prefix(300))", sourceLocation: sourceLocation)
            if name == "a", !tag.hasPrefix("/") { #expect(tag.hasPrefix("a href=\"https://") || tag == "a", "\(tag)", sourceLocation: sourceLocation) }
            rest = after[after.index(after: gt)...]
        }
        var amp = Substring(html)
        while let i = amp.firstIndex(of: "&") {
            let tail = amp[i...]
            #expect(["&amp;", "&lt;", "&gt;", "&quot;"].contains { tail.hasPrefix($0) }, "bare & in \(tail.prefix(20))", sourceLocation: sourceLocation)
            amp = amp[amp.index(after: i)...]
        }
    }

    @Test("the chat sinks' injection corpus: no markup, mention, bidi override or raw link from a log line reaches a service")
    func injection() throws {
        for target in Self.targets {
            for bad in ChatPayloadTests.corpus {
                var labelled = Self.transition()
                let value = [LabelCount(value: bad, count: 3)]
                labelled.topPaths = value
                labelled.byCode = [CodeLabels(code: StatusCode(502)!, count: 3, paths: value, hosts: value)]
                // statusd's own runbook link is Markdown in ntfy's message: left out here, it is not from a log line.
                for var t in [Self.transition(group: bad), Self.transition(.resolved, group: bad, rule: bad), labelled] {
                    t.runbook = nil
                    var tt = target
                    tt.host = bad
                    for r in ServiceRequests.alert(t, tt) {
                        let doc = try Self.json(r)
                        for s in ChatPayloadTests.strings(doc) {
                            for d in ["\u{202E}", "://evil", "<!", "<@", "](http"] { #expect(!s.contains(d), "\(target.kind) carries \(d) raw for \(bad): \(s)") }
                        }
                        if target.kind == .telegram { Self.checkHTML(doc["text"] as? String ?? "", allowed: ["b", "i", "a"]) }
                        if target.kind == .matrix { Self.checkHTML(doc["formatted_body"] as? String ?? "", allowed: ["b", "i", "a", "br"]) }
                        if target.kind == .opsgenie, r.url.contains("/close") { #expect(!r.url.contains("\n") && !r.url.contains(" ")) }
                    }
                }
            }
        }
    }

    @Test("a rule's runbook is in every message of every sink: chat, webhook, Alertmanager, services, mail")
    func runbookEverywhere() throws {
        let t = Self.transition()
        let url = "https://wiki.example/rb/server-errors"
        for kind in ChatPayloadTests.chatKinds + [.webhook] {
            #expect(SinkPayload.render(kind, t, host: Self.host, link: nil).serialized.contains(url.replacingOccurrences(of: "/", with: "/")), "\(kind)")
        }
        let slack = try ChatPayloadTests.parse(SinkPayload.render(.slack, t, host: Self.host, link: nil))
        #expect((slack["blocks"] as? [[String: Any]])?.contains { $0["type"] as? String == "actions" } == true)
        let am = AlertmanagerAlert(t, options: .init(host: Self.host), now: 1_795_169_200)
        #expect(am.annotations.contains { $0.0 == "runbook_url" && $0.1 == url })
        for target in Self.targets { #expect(ServiceRequests.alert(t, target).first!.body.serialized.contains(url), "\(target.kind)") }
        let mail = EmailMessage.render(t, host: Self.host, link: nil, envelope: .init(from: "a@example.org", to: ["b@example.org"]), date: 0)
        #expect(Self.mailText(mail).contains(url))
        // Without a runbook, nothing of it.
        #expect(!SinkPayload.render(.slack, ChatPayloadTests.transition(), host: Self.host, link: nil).serialized.contains("Runbook"))
    }

    /// The decoded text of a mail's base64 parts.
    static func mailText(_ mail: [UInt8]) -> String {
        let text = String(decoding: mail, as: UTF8.self)
        var out = ""
        for part in text.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").dropFirst() {
            let b64 = part.components(separatedBy: "\r\n--").first!.replacingOccurrences(of: "\r\n", with: "")
            out += String(decoding: Base64.decode(b64) ?? [], as: UTF8.self)
        }
        return out
    }

    @Test("email: Message-ID from alert id and sequence, the resolved mail threads under the firing, headers safe from CR/LF")
    func email() throws {
        let env = EmailMessage.Envelope(from: "alerts@example.org", to: ["oncall@example.org", "b@example.org"])
        let bad = "x\r\nBcc: evil@example.com\r\n\r\nbody <script>"
        let fire = String(decoding: EmailMessage.render(Self.transition(group: bad), host: "h\r\nX-Evil: 1", link: nil, envelope: env, date: 1_795_169_110), as: UTF8.self)
        let resolved = String(decoding: EmailMessage.render(Self.transition(.resolved, group: bad), host: "h", link: nil, envelope: env, date: 1_795_169_400), as: UTF8.self)
        func headers(_ m: String) -> [String] { m.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n") }
        func header(_ m: String, _ name: String) -> String? {
            headers(m).first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        let firingID = try #require(header(fire, "Message-ID"))
        #expect(firingID.hasPrefix("<statusd.server-errors") && firingID.hasSuffix(".1@example.org>"))
        #expect(header(resolved, "Message-ID")!.hasSuffix(".2@example.org>"))
        #expect(header(resolved, "In-Reply-To") == firingID && header(resolved, "References") == firingID)
        #expect(header(fire, "In-Reply-To") == nil)
        #expect(header(fire, "To") == "oncall@example.org, b@example.org" && header(fire, "From") == "statusd <alerts@example.org>")
        #expect(header(fire, "Date") == "Fri, 20 Nov 2026 10:05:10 +0000")
        for m in [fire, resolved] {
            for line in headers(m) {
                #expect(line.utf8.count <= 998)
                #expect(!line.hasPrefix("Bcc:") && !line.hasPrefix("X-Evil"), "injected header: \(line)")
                #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 }, "non-ASCII or control in a header: \(line)")
            }
            #expect(m.contains("Content-Type: multipart/alternative; boundary="))
            #expect(m.contains("Content-Type: text/plain; charset=utf-8") && m.contains("Content-Type: text/html; charset=utf-8"))
        }
        let body = Self.mailText(Array(fire.utf8))
        #expect(body.contains("FIRING [critical] server-errors") && body.contains("&lt;\u{200B}script&gt;"))
        #expect(!body.contains("<script>"))
        // Non-ASCII subjects are RFC 2047 words.
        #expect(EmailMessage.encodedWords("Größe ✓").hasPrefix("=?UTF-8?B?"))
        #expect(EmailMessage.rfc5322Date(0) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(EmailMessage.rfc5322Date(1_795_169_110) == "Fri, 20 Nov 2026 10:05:10 +0000")
    }

    @Test("SMTP: dot-stuffing, multi-line replies, bounds, and what each reply means")
    func smtp() {
        #expect(SMTPText.data(Array("a\r\n.b\n..c\r\nend".utf8)) == Array("a\r\n..b\r\n...c\r\nend\r\n.\r\n".utf8))
        #expect(SMTPText.authPlain(user: "u", password: "p") == "AUTH PLAIN AHUAcA==\r\n")
        var reader = SMTPReplyReader()
        let replies = reader.feed(Array("220 hi\r\n250-mx.example\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n".utf8))
        #expect(replies.map(\.code) == [220, 250])
        #expect(replies[1].extensions == ["STARTTLS", "AUTH", "SIZE"] && replies[1].authMechanisms == ["PLAIN", "LOGIN"])
        var split = SMTPReplyReader()
        #expect(split.feed(Array("25".utf8)).isEmpty)
        #expect(split.feed(Array("0 ok\r\n".utf8)).map(\.code) == [250])
        var hostile = SMTPReplyReader()
        _ = hostile.feed([UInt8](repeating: 0x41, count: 5000))
        #expect(hostile.failed != nil)
        #expect(SMTPVerdict.classify(SMTPReply(code: 451, lines: ["try later"]), step: "RCPT TO") == .retry("SMTP RCPT TO: 451 try later"))
        #expect(SMTPVerdict.classify(SMTPReply(code: 535, lines: ["bad"]), step: "AUTH") == .disable("SMTP AUTH: 535 bad (check username and password)"))
        #expect(SMTPVerdict.classify(SMTPReply(code: 554, lines: ["no"]), step: "end of data") == .reject("SMTP end of data: 554 no"))
        #expect(SMTPText.ehlo("web-01.example.org") == "EHLO web-01.example.org\r\n" && SMTPText.ehlo("bad host\r\n") == "EHLO [127.0.0.1]\r\n")
    }

    @Test("401 and 403 disable a service sink keeping its notifications; Matrix's retry_after_ms is honoured")
    func verdicts() {
        if case .disable = HTTPVerdict.classifyService(status: 401, retryAfter: nil, body: [], host: "h", now: 0) {} else { Issue.record("401 not disable") }
        #expect(HTTPVerdict.classifyService(status: 429, retryAfter: nil, body: Array(#"{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":2500}"#.utf8), host: "h", now: 0)
            == .retry(reason: "HTTP 429 from h: {\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":2500}", after: 2.5))
        #expect(HTTPVerdict.classifyService(status: 429, retryAfter: nil, body: Array(#"{"ok":false,"parameters":{"retry_after":7}}"#.utf8), host: "h", now: 0)
            == .retry(reason: "HTTP 429 from h: {\"ok\":false,\"parameters\":{\"retry_after\":7}}", after: 7))
        if case .reject = HTTPVerdict.classifyService(status: 400, retryAfter: nil, body: [], host: "h", now: 0) {} else { Issue.record("400 not reject") }
    }
}
