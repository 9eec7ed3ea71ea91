import StatusdParse
import StatusdEngine
import Yams

/// The `sinks:` section, a rule's `sinks:` (routing), and the checks across them.
///
/// A sink's URL and secret are secrets: no message here quotes them, whatever is wrong with them.
extension ConfigLoader {
    static let sinkKeys = ["name", "type", "url", "url_file", "url_env", "secret", "secret_file", "secret_env",
                           "severities", "link", "max_age",
                           "urls", "payload", "resend_interval", "resend_resolved_for", "generator_url", "after"] + serviceSinkKeys

    /// The name of the always-on journald sink: no configured sink may take it.
    public static let journalSinkName = SinkRoutes.journalSinkName

    mutating func sinks(_ node: Node) -> [SinkConfig] {
        reader.sequence(node, "sinks").compactMap { sink($0) }
    }

    mutating func sink(_ node: Node) -> SinkConfig? {
        guard let map = reader.mapping(node, "a sink") else { return nil }
        var name: String?, kind: SinkConfig.Kind?
        var urls: [(SinkConfig.Source, Node)] = [], secrets: [(SinkConfig.Source, Node)] = []
        var severities: Set<Severity>?, link: LinkTemplate?, maxAge: Int64?, after: Int64?
        var am = AlertmanagerKeys()
        var service = ServiceKeys()
        var ok = true
        let urlKeys = ["url", "url_file", "url_env", "urls"]
        for (k, v) in map {
            switch k.string ?? "" {
            case "name":
                name = reader.identifier(v, "sink name")
                if name == Self.journalSinkName {
                    reader.fail(v, "sink name `journal` is taken: journald gets every alert already")
                    name = nil
                }
                ok = ok && name != nil
            case "type":
                kind = reader.choice(v, "type", SinkConfig.Kind.allCases.map(\.rawValue)).flatMap(SinkConfig.Kind.init(rawValue:))
                ok = ok && kind != nil
            case "url":
                // Read the scalar without echoing it in any error.
                guard let s = v.scalar?.string else { reader.fail(v, "`url` must be a single value"); ok = false; continue }
                guard SinkURL(s) != nil else {
                    reader.fail(v, "`url` must be an http:// or https:// URL with a host (the value is not shown: it is a secret)")
                    ok = false
                    continue
                }
                urls.append((.inline(s), v))
            case "url_file":
                if let p = reader.path(v, "url_file") { urls.append((.file(p), v)) } else { ok = false }
            case "url_env":
                if let e = envName(v, "url_env") { urls.append((.env(e), v)) } else { ok = false }
            case "secret":
                guard let s = v.scalar?.string, !s.isEmpty else { reader.fail(v, "`secret` must be a single, non-empty value"); ok = false; continue }
                if let problem = Self.secretProblem(s) { reader.fail(v, problem); ok = false; continue }
                secrets.append((.inline(s), v))
            case "secret_file":
                if let p = reader.path(v, "secret_file") { secrets.append((.file(p), v)) } else { ok = false }
            case "secret_env":
                if let e = envName(v, "secret_env") { secrets.append((.env(e), v)) } else { ok = false }
            case "severities":
                var set = Set<Severity>()
                for s in reader.stringList(v, "severities") {
                    if let sev = Severity(rawValue: s) { set.insert(sev) } else {
                        reader.fail(v, "`severities` must list \(Severity.allCases.map(\.rawValue).joined(separator: ", ")), not `\(s)`")
                        ok = false
                    }
                }
                if set.isEmpty && ok { reader.fail(v, "`severities` is empty: the sink would get nothing"); ok = false }
                severities = set
            case "link":
                guard let s = reader.scalar(v, "link") else { ok = false; continue }
                switch LinkTemplate.parse(s) {
                case .success(let t): link = t
                case .failure(let e): reader.fail(v, e.message); ok = false
                }
            case "max_age":
                if let d = reader.duration(v, "max_age", within: 60...7 * 86_400) { maxAge = d } else { ok = false }
            case "after":
                if let d = reader.duration(v, "after", within: 0...7 * 86_400) { after = d } else { ok = false }
            case "urls", "payload", "resend_interval", "resend_resolved_for", "generator_url":
                if !alertmanagerKey(k.string ?? "", v, into: &am, urls: &urls) { ok = false }
            case let key where Self.serviceSinkKeys.contains(key):
                if !serviceKey(key, v, into: &service) { ok = false }
            default:
                reader.unknownKey(k, in: "a sink", known: Self.sinkKeys)
                ok = false
            }
        }
        let label = name.map { "sink `\($0)`" } ?? "a sink"
        if map["name"] == nil { reader.fail(node, "a sink needs a `name` (rules and status use it)"); ok = false }
        if map["type"] == nil {
            reader.fail(node, "\(label) needs a `type`: \(SinkConfig.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            ok = false
        }
        if let kind, kind.isService {
            ok = checkServiceKeys(&service, kind: kind, label: label, node: node, urls: &urls) && ok
        } else if !map.keys.contains(where: { urlKeys.contains($0.string ?? "") }) {
            reader.fail(node, "\(label) needs one of `url`, `url_file` or `url_env`"); ok = false
        }
        if urls.count > 1 {
            reader.fail(urls[1].1, "\(label) has more than one of `url`, `url_file` and `url_env`\(kind == .alertmanager ? " (or `urls`)" : ""): keep one")
            ok = false
        }
        if let kind { ok = checkAlertmanagerKeys(am, kind: kind, label: label) && ok }
        if secrets.count > 1 { reader.fail(secrets[1].1, "\(label) has more than one of `secret`, `secret_file` and `secret_env`: keep one"); ok = false }
        if let kind, kind != .webhook, let first = secrets.first {
            reader.fail(first.1, "\(label) is `\(kind.rawValue)`: only `webhook` sinks sign with a secret")
            ok = false
        }
        guard ok, let name, let kind, let url = urls.first else { return nil }
        var config = SinkConfig(name: name, type: kind, url: url.0, secret: secrets.first?.0, severities: severities, link: link,
                                place: place(node))
        am.apply(to: &config)
        config.service = service.settings
        config.urlPlace = place(url.1)
        config.secretPlace = secrets.first.map { place($0.1) }
        if let maxAge { config.maxAgeSeconds = maxAge }
        if let after, after > 0 { config.afterSeconds = after }
        return config
    }

    /// A rule's `sinks:` (the hook `ConfigLoader+Rules` calls): names checked against `sinks:` later.
    mutating func routed(_ rule: Rule, _ node: Node?) -> Rule {
        guard let node else { return rule }
        var rule = rule
        var names: [String] = []
        for item in reader.sequence(node, "sinks") {
            if item.mapping != nil {
                // An escalation route: `{sink: pager, after: 15m}` (ConfigLoader+Escalation.swift).
                if let (s, after) = route(item) { names.append(s); rule.sinkAfter[s] = after }
                continue
            }
            if let s = reader.identifier(item, "sink name") { names.append(s) }
        }
        rule.sinks = names
        return rule
    }

    /// Sink names are unique, and each rule's `sinks` names sinks that exist and take its severity.
    mutating func checkSinks(_ config: StatusdConfig, _ top: Node.Mapping) {
        var seen: [String: SinkConfig] = [:]
        let sinkNodes = top["sinks"]?.sequence.map { Array($0) } ?? []
        // Names written, also of sinks with errors of their own (reported already).
        let declared = Set(sinkNodes.compactMap { $0.mapping?["name"]?.string })
        for (i, sink) in config.sinks.enumerated() {
            if seen[sink.name] != nil {
                reader.fail(sinkNodes.indices.contains(i) ? sinkNodes[i] : top["sinks"]!, "sink name `\(sink.name)` is used twice")
            }
            seen[sink.name] = sink
        }
        let ruleNodes = top["rules"]?.sequence.map { Array($0) } ?? []
        for (i, rule) in config.rules.enumerated() {
            guard let wanted = rule.sinks, ruleNodes.indices.contains(i) else { continue }
            let node = ruleNodes[i].mapping?["sinks"] ?? ruleNodes[i]
            for name in wanted where name != Self.journalSinkName && !(seen[name] == nil && declared.contains(name)) {
                guard let sink = seen[name] else {
                    let known = declared.sorted()
                    reader.fail(node, "rule `\(rule.name)` sends to sink `\(name)`, which no sink defines"
                        + (known.isEmpty ? " (there is no `sinks:` section)" : "; sinks: \(known.joined(separator: ", "))"))
                    continue
                }
                if !sink.takes(rule.severity) {
                    reader.fail(node, "rule `\(rule.name)` is \(rule.severity.rawValue) but sink `\(name)` takes only "
                        + "\((sink.severities ?? []).map(\.rawValue).sorted().joined(separator: ", ")): it would get nothing")
                }
            }
        }
    }

    /// A rule's `runbook:` (the hook `ConfigLoader+Rules` calls): a link template, as `link`.
    mutating func withRunbook(_ rule: Rule?, _ node: Node?) -> Rule? {
        guard var rule, let node else { return rule }
        guard let s = reader.scalar(node, "runbook") else { return nil }
        switch LinkTemplate.parse(s) {
        case .success(let t):
            rule.runbook = t
            return rule
        case .failure(let e):
            reader.fail(node, e.message.hasPrefix("`link`") ? "`runbook`" + e.message.dropFirst(6) : e.message)
            return nil
        }
    }

    func place(_ node: Node) -> ConfigPlace {
        ConfigPlace(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func envName(_ node: Node, _ what: String) -> String? {
        guard let s = reader.scalar(node, what) else { return nil }
        let ok = !s.isEmpty && s.utf8.enumerated().allSatisfy { i, c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || (i > 0 && c >= 0x30 && c <= 0x39)
        }
        if !ok { reader.fail(node, "`\(what)` must be an environment variable name such as SLACK_URL, not `\(s)`"); return nil }
        return s
    }

    /// Why a signing secret cannot be used, without quoting it; nil when fine.
    public static func secretProblem(_ secret: String) -> String? {
        if secret.hasPrefix("whsec_") {
            guard let key = Base64.decode(String(secret.dropFirst(6))), key.count >= 16 else {
                return "`secret` starts with `whsec_` but the rest is not base64 of at least 16 bytes (the value is not shown)"
            }
            return nil
        }
        return secret.utf8.count >= 16 ? nil : "`secret` must be at least 16 characters, or `whsec_` and base64 (the value is not shown)"
    }
}
