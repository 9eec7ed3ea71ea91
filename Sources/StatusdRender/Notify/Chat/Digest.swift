import StatusdParse
import StatusdEngine
/// One message for a backlog: a sink that was down while many notifications queued (more than
/// `threshold`) gets this instead of a flood, then live messages again.
///
/// Chat sinks get a list of what fired and resolved meanwhile (newest last, at most `linesShown`
/// lines) and which alerts are still firing; `webhook` gets every notification's full document in
/// `notifications`, so a program loses nothing.
public enum Digest {
    /// More queued notifications than this for one sink: one digest (delivery's decision).
    public static let threshold = SinkDeliveryState.digestThreshold
    public static let linesShown = 30

    public static func render(_ kind: SinkConfig.Kind, _ ts: [AlertTransition], host: String, key: String) -> JSONValue {
        if kind == .webhook {
            return .object([
                ("version", .int(WebhookDocument.version)), ("type", "digest"), ("idempotency_key", .string(key)), ("host", .string(host)),
                ("count", .int(Int64(ts.count))),
                ("notifications", .array(ts.map { WebhookDocument.render($0, host: host, link: nil) })),
            ])
        }
        return ChatPayload.render(kind, content(ts, host: host, key: key))
    }

    public static func content(_ ts: [AlertTransition], host: String, key: String) -> ChatContent {
        typealias Seg = ChatContent.Segment
        var lines: [Seg] = []
        for (i, t) in ts.suffix(linesShown).enumerated() {
            if i > 0 { lines.append(.text("\n")) }
            var rule: [Seg] = [.untrusted(t.rule)]
            if let g = t.group { rule += [.text(" ["), .untrusted(g), .text("]")] }
            if t.kind == .resolved {
                var s: [Seg] = [.text("• \(CivilTime.clock(t.at)) RESOLVED ")] + rule + [.text(": "), .untrusted(t.match), .text(" back to \(Percent.format(t.rate))")]
                if let f = t.firedAt { s.append(.text(", lasted \(DurationText.format(max(0, t.at - f))), peak \(Percent.format(t.peakRate))")) }
                lines += s
            } else {
                lines += [.text("• \(CivilTime.clock(t.at)) \(t.kind.rawValue.uppercased()) [\(t.severity.rawValue)] ")] + rule
                    + [.text(": \(Percent.format(t.rate)) "), .untrusted(t.match), .text(" (limit \(Percent.format(t.limit)))")]
            }
        }
        if ts.count > linesShown { lines.insert(.text("(\(ts.count - linesShown) earlier notifications not shown)\n"), at: 0) }
        var last: [String: AlertTransition] = [:]
        var order: [String] = []
        for t in ts {
            let id = t.alertID ?? t.rule
            if last[id] == nil { order.append(id) }
            last[id] = t
        }
        let still = order.compactMap { last[$0] }.filter { $0.kind != .resolved }
        var facts = [ChatContent.Fact(name: "Host", value: .init([.untrusted(host)]))]
        if !still.isEmpty {
            var v: [Seg] = []
            for (i, t) in still.enumerated() {
                if i > 0 { v.append(.text(", ")) }
                v.append(.untrusted(t.rule))
                if let g = t.group { v += [.text(" ["), .untrusted(g), .text("]")] }
            }
            facts.append(.init(name: "Still firing", value: .init(v)))
        } else {
            facts.append(.init(name: "Still firing", value: .init([.text("nothing: every alert resolved")])))
        }
        let first = ts.first.map { CivilTime.clock($0.at) } ?? "?"
        let worst: Severity = ts.contains { $0.severity == .critical && $0.kind != .resolved } ? .critical : .warning
        return ChatContent(
            state: "DIGEST", resolved: still.isEmpty, severity: worst,
            headline: .init([.text("DIGEST: \(ts.count) alert notifications on "), .untrusted(host), .text(" since \(first) while this sink could not be reached")]),
            summary: .init(lines), facts: facts, link: nil,
            footer: .init([.text("statusd · digest "), .untrusted(key)]), idempotencyKey: key,
            timestamp: CivilTime.iso8601(ts.last?.at ?? 0))
    }
}
