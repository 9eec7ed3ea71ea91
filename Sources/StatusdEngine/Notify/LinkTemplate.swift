import StatusdParse
/// The `link:` of a sink: a URL with placeholders filled in per alert, each value percent-encoded.
///
/// `{host}` the host name, `{rule}`, `{input}` (the first), `{severity}`, `{alert_id}`,
/// `{since}` and `{until}` in Unix milliseconds (Grafana's `from`/`to`: the window before the
/// alert began, and the transition's second plus a minute), `{since_iso}` and `{until_iso}` in
/// ISO 8601.
public struct LinkTemplate: Sendable, Equatable {
    public static let placeholders = ["host", "rule", "input", "severity", "alert_id", "since", "until", "since_iso", "until_iso"]

    enum Piece: Sendable, Equatable {
        case text(String)
        case value(String)
    }

    /// The longest value put in a link (characters, before encoding).
    public static let maxValue = 256

    let pieces: [Piece]
    public let template: String

    /// Fails with a message naming the problem (an unknown placeholder, an unclosed brace, not http(s)).
    public static func parse(_ template: String) -> Result<LinkTemplate, LinkTemplateError> {
        let lower = template.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            return .failure(LinkTemplateError(message: "`link` must start with https:// or http://"))
        }
        var pieces: [Piece] = []
        var text = ""
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            if c == "{" {
                guard let close = template[i...].firstIndex(of: "}") else {
                    return .failure(LinkTemplateError(message: "`link` has a `{` without its `}`"))
                }
                let name = String(template[template.index(after: i)..<close])
                guard placeholders.contains(name) else {
                    return .failure(LinkTemplateError(message: "`link` placeholder `{\(name)}` is not one of \(placeholders.map { "{\($0)}" }.joined(separator: ", "))"))
                }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(.value(name))
                i = template.index(after: close)
            } else {
                text.append(c)
                i = template.index(after: i)
            }
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return .success(LinkTemplate(pieces: pieces, template: template))
    }

    /// The link for one alert on `host`.
    public func render(_ t: AlertTransition, host: String) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let s): out += s
            case .value(let name): out += Self.percentEncode(String(value(name, t, host: host).prefix(Self.maxValue)))
            }
        }
        return out
    }

    func value(_ name: String, _ t: AlertTransition, host: String) -> String {
        let since = (t.firedAt ?? t.at) - t.windowSeconds
        let until = t.at + 60
        switch name {
        case "host": return host
        case "rule": return t.rule
        case "input": return t.inputs.first ?? ""
        case "severity": return t.severity.rawValue
        case "alert_id": return t.alertID ?? ""
        case "since": return String(since * 1000)
        case "until": return String(until * 1000)
        case "since_iso": return CivilTime.iso8601(since)
        case "until_iso": return CivilTime.iso8601(until)
        default: return ""
        }
    }

    /// RFC 3986 unreserved characters stay; every other byte is `%XX`.
    public static func percentEncode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 {
            let unreserved = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
            if unreserved { out.append(b) } else { out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0xF)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public struct LinkTemplateError: Error, Sendable, Equatable {
    public var message: String
}

extension AlertTransition {
    /// The rule's `runbook` for this alert, placeholders filled in as in a sink's `link`; nil
    /// without one, or when it renders longer than a link can be (left out, not cut wrong).
    public func runbookLink(host: String) -> String? {
        guard let runbook, case .success(let template) = LinkTemplate.parse(runbook) else { return nil }
        let url = template.render(self, host: host)
        return url.utf8.count <= 2048 ? url : nil
    }
}
