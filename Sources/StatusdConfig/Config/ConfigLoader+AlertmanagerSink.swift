import StatusdEngine
import Yams

/// The keys of `type: alertmanager` sinks (`urls`, `resend_interval`, `resend_resolved_for`,
/// `generator_url`) and the `webhook` sink's `payload`. Like every sink URL, those of `urls` are
/// never quoted in an error.
extension ConfigLoader {
    /// What these keys said, applied to the sink once it is read.
    struct AlertmanagerKeys {
        var extra: [SinkConfig.Source] = []
        var payload: SinkConfig.Payload?
        var resendInterval: Int64?
        var resendResolved: Int64?
        var generatorURL: LinkTemplate?
        /// Where each key was written, for errors about the sink's type.
        var nodes: [(String, Node)] = []

        func apply(to config: inout SinkConfig) {
            config.extraURLs = extra
            if let payload { config.payload = payload }
            if let resendInterval { config.resendIntervalSeconds = resendInterval }
            if let resendResolved { config.resendResolvedSeconds = resendResolved }
            config.generatorURL = generatorURL
        }
    }

    /// Reads one of these keys; `urls` puts its first URL with the sink's others (so `url` and
    /// `urls` together are refused like two `url`s) and keeps the rest. False on an error.
    mutating func alertmanagerKey(_ key: String, _ v: Node, into am: inout AlertmanagerKeys,
                                  urls: inout [(SinkConfig.Source, Node)]) -> Bool {
        am.nodes.append((key, v))
        switch key {
        case "urls":
            guard let items = v.sequence, !items.isEmpty else {
                reader.fail(v, "`urls` must be a list of http:// or https:// URLs (an Alertmanager cluster)")
                return false
            }
            var ok = true
            var list: [SinkConfig.Source] = []
            for item in items {
                guard let s = item.scalar?.string, SinkURL(s) != nil else {
                    reader.fail(item, "each of `urls` must be an http:// or https:// URL with a host (the value is not shown: it may hold a secret)")
                    ok = false
                    continue
                }
                list.append(.inline(s))
            }
            guard ok, let first = list.first else { return false }
            urls.append((first, v))
            am.extra = Array(list.dropFirst())
            return true
        case "payload":
            guard let p = reader.choice(v, "payload", SinkConfig.Payload.allCases.map(\.rawValue)).flatMap(SinkConfig.Payload.init(rawValue:)) else {
                return false
            }
            am.payload = p
            return true
        case "resend_interval":
            am.resendInterval = reader.duration(v, "resend_interval", within: 1...3600)
            return am.resendInterval != nil
        case "resend_resolved_for":
            am.resendResolved = reader.duration(v, "resend_resolved_for", within: 0...86_400)
            return am.resendResolved != nil
        case "generator_url":
            guard let s = reader.scalar(v, "generator_url") else { return false }
            switch LinkTemplate.parse(s) {
            case .success(let t):
                am.generatorURL = t
                return true
            case .failure(let e):
                reader.fail(v, e.message)
                return false
            }
        default:
            return false
        }
    }

    /// `payload` belongs to `webhook` sinks, the others to `alertmanager` sinks.
    mutating func checkAlertmanagerKeys(_ am: AlertmanagerKeys, kind: SinkConfig.Kind, label: String) -> Bool {
        var ok = true
        for (key, node) in am.nodes {
            let wanted: SinkConfig.Kind = key == "payload" ? .webhook : .alertmanager
            if kind != wanted {
                reader.fail(node, "\(label) is `\(kind.rawValue)`: `\(key)` is for `\(wanted.rawValue)` sinks only")
                ok = false
            }
        }
        return ok
    }
}
