/// An ntfy notification, published as JSON (`POST` to the server's root with the `topic` in the
/// body) so that no untrusted text goes into a header: `title` the headline, `message` Markdown
/// (`markdown: true`) with untrusted text backslash-escaped, `priority` 5 for critical, 4 for
/// warning, 3 for resolved, `tags` (emoji shortcodes) from the state and severity, `click` the
/// dashboard link, and a `view` action for the dashboard and the runbook. `Authorization: Bearer`
/// with `token`. The message is cut to ntfy's 4,096 bytes.
public enum NtfyMessage {
    public static let messageLimit = 4096

    /// `https://ntfy.sh/alerts` as the server root (`https://ntfy.sh/`) and the topic (`alerts`);
    /// nil when the last path segment is not a topic name (`[-_A-Za-z0-9]{1,64}`).
    public static func split(_ topicURL: String) -> (root: String, topic: String)? {
        var s = topicURL
        while s.hasSuffix("/") { s.removeLast() }
        guard let slash = s.lastIndex(of: "/") else { return nil }
        let topic = String(s[s.index(after: slash)...])
        let root = String(s[...slash])
        guard !topic.isEmpty, topic.utf8.count <= 64, root.hasSuffix("/"), root.filter({ $0 == "/" }).count >= 3,
              topic.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else { return nil }
        return (root, topic)
    }

    /// CommonMark: any ASCII punctuation may be backslash-escaped; these are the ones with meaning.
    static func escape(_ s: String) -> String { Untrusted.markdown(s, specials: "\\`*_{}[]<>()#+-.!|~") }

    public static func request(_ c: ChatContent, _ target: ServiceTarget) -> ServiceRequest {
        let (root, topic) = split(target.url) ?? (target.base + "/", "")
        var headers: [ServiceRequest.Header] = [.init("Content-Type", "application/json")]
        if let token = target.credential { headers.append(.init("Authorization", "Bearer " + token)) }
        return ServiceRequest(url: root, headers: headers, body: body(c, topic: topic))
    }

    public static func body(_ c: ChatContent, topic: String) -> JSONValue {
        let message = ServiceText.fitting({ cut -> String in
            var m = Trim.utf8(c.summary.render(escape), cut)
            for f in c.facts { m += "\n\n**\(f.name):** " + Trim.utf8(f.value.render(escape), cut) }
            if let runbook = c.runbook { m += "\n\n[Runbook](\(ChatPayload.markdownURL(runbook)))" }
            return m + "\n\n_" + Trim.utf8(c.footer.render(escape), cut) + "_"
        }, fits: { $0.utf8.count <= messageLimit })
        let priority: Int64 = c.state == "TEST" ? 2 : c.resolved ? 3 : (c.severity == .critical ? 5 : 4)
        let emoji = c.resolved ? "white_check_mark" : c.state == "TEST" ? "test_tube" : (c.severity == .critical ? "rotating_light" : "warning")
        var out: [(String, JSONValue)] = [
            ("topic", .string(topic)),
            ("title", .string(Trim.utf8(c.headline.plain, 250))),
            ("message", .string(Trim.utf8(message, messageLimit))),
            ("priority", .int(priority)),
            ("tags", .array([.string(emoji), "statusd", .string(c.severity.rawValue)])),
            ("markdown", true),
        ]
        if let click = c.link ?? c.runbook { out.append(("click", .string(click))) }
        var actions: [JSONValue] = []
        if let link = c.link { actions.append(.object([("action", "view"), ("label", "Dashboard"), ("url", .string(link))])) }
        if let runbook = c.runbook { actions.append(.object([("action", "view"), ("label", "Runbook"), ("url", .string(runbook))])) }
        if !actions.isEmpty { out.append(("actions", .array(actions))) }
        return .object(out)
    }
}
