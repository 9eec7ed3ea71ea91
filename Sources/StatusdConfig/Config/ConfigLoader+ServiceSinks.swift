import StatusdParse
import StatusdEngine
import Yams

/// The keys of the paging, push and mail sinks (`ServiceSinkSettings`): each credential with its
/// `_file` and `_env` forms, email's server, TLS mode and addresses, Telegram's chat and Matrix's
/// room. Credentials are never quoted in an error, whatever is wrong with them.
extension ConfigLoader {
    static let credentialKeys = ["routing_key", "api_key", "token", "password"]
    static let serviceSinkKeys = credentialKeys.flatMap { [$0, $0 + "_file", $0 + "_env"] }
        + ["chat_id", "room", "smtp", "tls", "username", "from", "to", "ca_file", "region"]

    /// What the service keys said, with where each was written.
    struct ServiceKeys {
        var settings = ServiceSinkSettings()
        var credentials: [(key: String, source: SinkConfig.Source, node: Node)] = []
        var nodes: [(String, Node)] = []
    }

    /// Reads one service key; false on an error (reported).
    mutating func serviceKey(_ key: String, _ v: Node, into s: inout ServiceKeys) -> Bool {
        s.nodes.append((key, v))
        let base = Self.credentialKeys.first { key == $0 || key == $0 + "_file" || key == $0 + "_env" }
        if let base {
            if key.hasSuffix("_file") {
                guard let p = reader.path(v, key) else { return false }
                s.credentials.append((base, .file(p), v))
            } else if key.hasSuffix("_env") {
                guard let e = envName(v, key) else { return false }
                s.credentials.append((base, .env(e), v))
            } else {
                guard let text = v.scalar?.string else { reader.fail(v, "`\(key)` must be a single value (the value is not shown: it is a secret)"); return false }
                if let problem = ServiceSinkCheck.credentialProblem(text, key: key) { reader.fail(v, problem); return false }
                s.credentials.append((base, .inline(text), v))
            }
            return true
        }
        switch key {
        case "chat_id", "room":
            guard let text = reader.scalar(v, key) else { return false }
            guard ServiceSinkCheck.isPlainID(text) else {
                reader.fail(v, "`\(key)` must be 1-255 printable characters without spaces")
                return false
            }
            // The send API takes a room id, not an alias (`#ops:example.org` would need a lookup).
            if key == "room", !(text.hasPrefix("!") && text.contains(":")) {
                reader.fail(v, "`room` must be a room id such as !abcdef:example.org (in Element: room settings, Advanced), not an alias")
                return false
            }
            if key == "room" { s.settings.room = text } else { s.settings.chatID = text }
        case "smtp":
            guard let text = reader.scalar(v, key) else { return false }
            guard let hp = ServiceSinkCheck.hostPort(text) else {
                reader.fail(v, "`smtp` must be host:port, such as smtp.example.org:587 or [::1]:25")
                return false
            }
            s.settings.smtpHost = hp.host
            s.settings.smtpPort = hp.port
        case "tls":
            guard let m = reader.choice(v, "tls", ServiceSinkSettings.TLSMode.allCases.map(\.rawValue)) else { return false }
            s.settings.tls = ServiceSinkSettings.TLSMode(rawValue: m)!
        case "username":
            guard let text = reader.scalar(v, key) else { return false }
            guard !text.isEmpty, text.utf8.count <= 255, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                reader.fail(v, "`username` must be 1-255 characters without control characters")
                return false
            }
            s.settings.username = text
        case "region":
            guard let r = reader.choice(v, "region", ["us", "eu"]) else { return false }
            s.settings.region = r
        case "ca_file":
            guard let p = reader.path(v, "ca_file") else { return false }
            s.settings.caFile = p
        case "from":
            guard let text = reader.scalar(v, key) else { return false }
            guard ServiceSinkCheck.isMailAddress(text) else { reader.fail(v, "`from` must be one mail address such as alerts@example.org"); return false }
            s.settings.from = text
        case "to":
            var ok = true
            for item in reader.stringListNodes(v, "to") {
                guard let text = reader.scalar(item, "to") else { ok = false; continue }
                if ServiceSinkCheck.isMailAddress(text) { s.settings.to.append(text) } else {
                    reader.fail(item, "each of `to` must be one mail address such as oncall@example.org, not `\(SafeText.field(text))`")
                    ok = false
                }
            }
            if ok, s.settings.to.isEmpty { reader.fail(v, "`to` is empty: the mail would go nowhere"); ok = false }
            return ok
        default:
            return false
        }
        return true
    }

    /// The service keys fit the sink's type, the required ones are there, and a sink without
    /// `url` gets its service's public endpoint (email takes no `url`: its server is `smtp`).
    mutating func checkServiceKeys(_ s: inout ServiceKeys, kind: SinkConfig.Kind, label: String, node: Node,
                                   urls: inout [(SinkConfig.Source, Node)]) -> Bool {
        var ok = true
        let credential = kind.credentialKey
        var allowed: Set<String> = []
        switch kind {
        case .telegram: allowed = ["chat_id"]
        case .matrix: allowed = ["room"]
        case .opsgenie: allowed = ["region"]
        case .email: allowed = ["smtp", "tls", "username", "from", "to", "ca_file"]
        default: break
        }
        for (key, v) in s.nodes {
            let base = Self.credentialKeys.first { key == $0 || key == $0 + "_file" || key == $0 + "_env" }
            if let base, base == credential { continue }
            if allowed.contains(key) { continue }
            if let base {
                reader.fail(v, "\(label) is `\(kind.rawValue)`: its credential is "
                    + (credential.map { "`\($0)` (or `\($0)_file`, `\($0)_env`)" } ?? "none") + ", not `\(base)`")
            } else {
                reader.fail(v, "\(label) is `\(kind.rawValue)`: `\(key)` is not one of its keys")
            }
            ok = false
        }
        let mine = s.credentials.filter { $0.key == credential }
        if mine.count > 1, let key = credential {
            reader.fail(mine[1].node, "\(label) has more than one of `\(key)`, `\(key)_file` and `\(key)_env`: keep one")
            ok = false
        }
        if let first = mine.first {
            s.settings.credential = first.source
            s.settings.credentialPlace = place(first.node)
        } else if kind.credentialRequired, let key = credential {
            reader.fail(node, "\(label) needs `\(key)` (or `\(key)_file`, `\(key)_env`)")
            ok = false
        }
        func need(_ present: Bool, _ key: String, _ example: String) {
            if !present { reader.fail(node, "\(label) needs `\(key)` (\(example))"); ok = false }
        }
        switch kind {
        case .telegram: need(s.settings.chatID != nil, "chat_id", "the chat's id, such as -1001234567890")
        case .matrix:
            need(s.settings.room != nil, "room", "the room's id, such as !abcdef:example.org")
            need(!urls.isEmpty, "url", "the homeserver, such as https://matrix.example.org")
        case .ntfy: need(!urls.isEmpty, "url", "the topic's URL, such as https://ntfy.sh/my-alerts")
        case .opsgenie:
            if s.settings.region != nil, let first = urls.first {
                reader.fail(first.1, "\(label) has both `region` and `url`: keep one (`url` is the endpoint itself)")
                ok = false
            }
        case .email:
            need(s.settings.smtpHost != nil, "smtp", "host:port of the submission server")
            need(s.settings.from != nil, "from", "the sender's address")
            need(!s.settings.to.isEmpty, "to", "a list of recipients")
            if let first = urls.first {
                reader.fail(first.1, "\(label) is `email`: it takes `smtp: host:port`, not `url`")
                ok = false
            }
            if (s.settings.username != nil) != (s.settings.credential != nil) {
                reader.fail(node, "\(label): `username` and `password` (or `password_file`, `password_env`) go together")
                ok = false
            }
            if s.settings.tls == .none, s.settings.credential != nil, let host = s.settings.smtpHost, !ServiceSinkCheck.isLoopback(host) {
                reader.fail(node, "\(label) would send its password without TLS to \(host): use `tls: starttls` or `tls: implicit`")
                ok = false
            }
        default: break
        }
        if urls.isEmpty, ok {
            if kind == .opsgenie, s.settings.region == "eu" {
                urls.append((.inline("https://api.eu.opsgenie.com"), node))
                s.settings.defaultURL = true
            } else if let url = kind.defaultURL {
                urls.append((.inline(url), node))
                s.settings.defaultURL = true
            } else if kind == .email, let host = s.settings.smtpHost {
                // Not a URL statusd requests: the server's address, where `SinkURL` keeps it (status shows its host).
                urls.append((.inline("http://\(host.contains(":") ? "[\(host)]" : host):\(s.settings.smtpPort)/"), node))
                s.settings.defaultURL = true
            }
        }
        return ok
    }
}
