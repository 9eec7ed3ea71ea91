import StatusdParse
import StatusdEngine
import Yams

/// The secret values a config holds, so that no error or message quotes them.
///
/// Errors are written not to quote secrets; this is the net under that rule. On a config that
/// fails to load, the secrets are found in the YAML tree by the keys that hold them (and any URL
/// with credentials), so an error that happens to quote one (a value in the wrong place) still
/// prints `<redacted>`.
extension ConfigLoader {
    /// Keys whose values are secrets wherever they appear.
    static let secretKeys: Set<String> = ["url", "urls", "secret", "password", "bearer_token", "token", "routing_key", "api_key"]

    /// Every secret-looking value in the tree.
    static func secretValues(in node: Node) -> [String] {
        var out: [String] = []
        collectSecrets(node, underSecretKey: false, into: &out)
        return out
    }

    private static func collectSecrets(_ node: Node, underSecretKey: Bool, into out: inout [String]) {
        switch node {
        case .scalar(let s):
            let text = s.string
            let lower = text.lowercased()
            let urlWithCredentials = (lower.hasPrefix("http://") || lower.hasPrefix("https://"))
                && text.prefix { $0 != "/" }.count < text.count
                && (text.split(separator: "/", maxSplits: 3).dropFirst().first?.contains("@") ?? false)
            if underSecretKey || urlWithCredentials { out.append(text) }
        case .mapping(let m):
            for (k, v) in m { collectSecrets(v, underSecretKey: secretKeys.contains(unmarked(k.string ?? "")), into: &out) }
        case .sequence(let seq):
            for item in seq { collectSecrets(item, underSecretKey: underSecretKey, into: &out) }
        default:
            break
        }
    }

    /// `errors` with any secret of the tree replaced.
    func redacted(_ errors: [ConfigError], _ root: Node?) -> [ConfigError] {
        guard let root else { return errors }
        let redactor = SecretRedactor(Self.secretValues(in: root))
        guard !redactor.isEmpty else { return errors }
        return errors.map { var e = $0; e.message = redactor.redact(e.message); return e }
    }
}

extension StatusdConfig {
    /// The secrets written in the config itself (inline URLs and secrets, the metrics password and
    /// token); those read from files and variables are added by whoever reads them.
    public var inlineSecrets: [String] {
        var out: [String] = []
        for s in sinks {
            for source in (s.service.defaultURL ? [] : s.allURLs) + (s.secret.map { [$0] } ?? []) + (s.service.credential.map { [$0] } ?? []) {
                if case .inline(let v) = source { out.append(v) }
            }
        }
        out += metrics?.inlineSecrets ?? []
        return out
    }
}
