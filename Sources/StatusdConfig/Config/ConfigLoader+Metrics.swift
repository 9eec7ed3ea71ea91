import StatusdParse
import StatusdEngine
import Yams

/// The `metrics:` section: the Prometheus listener (`listen: "127.0.0.1:9464"`, `max_connections`),
/// who may scrape it (`allow`), and basic or bearer authentication. The password and the token
/// are secrets: no error quotes them.
extension ConfigLoader {
    static let metricsKeys = ["listen", "max_connections", "allow", "basic_auth", "bearer_token", "bearer_token_env", "bearer_token_file"]

    mutating func metrics(_ node: Node, into config: inout StatusdConfig) {
        guard let mapping = reader.mapping(node, "metrics") else { return }
        var listen: (host: String, port: Int)?
        var listenNode: Node?
        var maxConnections = MetricsConfig.defaultMaxConnections
        var allow: [AddressRange] = []
        var basic: MetricsBasicAuth?
        var tokens: [(SinkConfig.Source, Node)] = []
        var secretNode: Node?
        var ok = true
        for (k, v) in mapping {
            switch k.string ?? "" {
            case "listen":
                listenNode = v
                guard let text = reader.scalar(v, "metrics.listen") else { ok = false; continue }
                listen = MetricsConfig.parseListen(text)
                if listen == nil {
                    reader.fail(v, "`metrics.listen` must be host:port such as 127.0.0.1:9464 or [::1]:9464 (port 1-65535), not `\(SafeText.field(text))`")
                    ok = false
                }
            case "max_connections":
                guard let n = reader.integer(v, "metrics.max_connections") else { ok = false; continue }
                guard (1...10_000).contains(n) else {
                    reader.fail(v, "`metrics.max_connections` must be between 1 and 10000, not \(n)")
                    ok = false
                    continue
                }
                maxConnections = n
            case "allow":
                let items = v.sequence.map(Array.init) ?? [v]
                for item in items {
                    guard let s = reader.scalar(item, "metrics.allow") else { ok = false; continue }
                    guard let r = AddressRange(s) else {
                        reader.fail(item, "`metrics.allow` takes IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8 or 2001:db8::/32, not `\(SafeText.field(s))`")
                        ok = false
                        continue
                    }
                    allow.append(r)
                }
                if items.isEmpty { reader.fail(v, "`metrics.allow` is empty: leave it out to allow any client"); ok = false }
            case "basic_auth":
                if let b = basicAuth(v) { basic = b; secretNode = v.mapping?["password"] ?? v.mapping?["password_env"] ?? v.mapping?["password_file"] ?? v } else { ok = false }
            case "bearer_token":
                guard let s = v.scalar?.string, !s.isEmpty else { reader.fail(v, "`bearer_token` must be a single, non-empty value"); ok = false; continue }
                tokens.append((.inline(s), v))
            case "bearer_token_env":
                if let e = reader.envVariable(v, "bearer_token_env") { tokens.append((.env(e), v)) } else { ok = false }
            case "bearer_token_file":
                if let p = reader.path(v, "bearer_token_file") { tokens.append((.file(p), v)) } else { ok = false }
            default:
                reader.unknownKey(k, in: "metrics", known: Self.metricsKeys)
            }
        }
        if tokens.count > 1 { reader.fail(tokens[1].1, "`metrics` has more than one of `bearer_token`, `bearer_token_env` and `bearer_token_file`: keep one"); ok = false }
        if basic != nil, let t = tokens.first { reader.fail(t.1, "`metrics` has both `basic_auth` and a bearer token: keep one"); ok = false }
        guard ok else { return }
        guard let listen else {
            reader.fail(node, "`metrics` needs `listen`, such as listen: \"127.0.0.1:9464\" (leave `metrics` out to serve no metrics)")
            return
        }
        var m = MetricsConfig(host: listen.host, port: listen.port, maxConnections: maxConnections)
        m.allow = allow
        m.basicAuth = basic
        m.bearerToken = tokens.first?.0
        m.listenPlace = listenNode.map(place)
        m.secretPlace = (secretNode ?? tokens.first?.1).map(place)
        config.metrics = m
    }

    /// `basic_auth: {username: prometheus, password | password_env | password_file: ...}`.
    private mutating func basicAuth(_ node: Node) -> MetricsBasicAuth? {
        guard let map = reader.mapping(node, "metrics.basic_auth") else { return nil }
        var username: String?
        var passwords: [(SinkConfig.Source, Node)] = []
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "username":
                guard let s = reader.scalar(v, "basic_auth.username") else { ok = false; continue }
                if s.isEmpty || s.contains(":") || s.unicodeScalars.contains(where: SafeText.needsEscape) {
                    reader.fail(v, "`basic_auth.username` must be non-empty, without `:` or control characters")
                    ok = false
                } else { username = s }
            case "password":
                guard let s = v.scalar?.string, !s.isEmpty else { reader.fail(v, "`basic_auth.password` must be a single, non-empty value (it is not shown)"); ok = false; continue }
                passwords.append((.inline(s), v))
            case "password_env":
                if let e = reader.envVariable(v, "password_env") { passwords.append((.env(e), v)) } else { ok = false }
            case "password_file":
                if let p = reader.path(v, "password_file") { passwords.append((.file(p), v)) } else { ok = false }
            default:
                reader.unknownKey(k, in: "metrics.basic_auth", known: ["username", "password", "password_env", "password_file"])
                ok = false
            }
        }
        if map["username"] == nil { reader.fail(node, "`basic_auth` needs a `username`"); ok = false }
        if passwords.isEmpty { reader.fail(node, "`basic_auth` needs one of `password`, `password_env` or `password_file`"); ok = false }
        if passwords.count > 1 { reader.fail(passwords[1].1, "`basic_auth` has more than one of `password`, `password_env` and `password_file`: keep one"); ok = false }
        guard ok, let username, let password = passwords.first?.0 else { return nil }
        return MetricsBasicAuth(username: username, password: password)
    }
}

extension ConfigReader {
    /// An environment variable's name (`SLACK_URL`).
    mutating func envVariable(_ node: Node, _ what: String) -> String? {
        guard let s = scalar(node, what) else { return nil }
        let ok = !s.isEmpty && s.utf8.enumerated().allSatisfy { i, c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || (i > 0 && c >= 0x30 && c <= 0x39)
        }
        if !ok { fail(node, "`\(what)` must be an environment variable name such as METRICS_TOKEN, not `\(SafeText.field(s))`"); return nil }
        return s
    }
}
