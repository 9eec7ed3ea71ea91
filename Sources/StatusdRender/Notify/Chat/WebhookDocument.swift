import StatusdParse
import StatusdEngine
/// The `webhook` sink's body: a stable JSON document (`version` 1), documented in the README.
///
/// Values are data, not markup: they are JSON-escaped and otherwise as statusd saw them (a
/// receiver renders them itself). `text` is the human sentence, as in journald.
public enum WebhookDocument {
    public static let version: Int64 = 1

    public static func render(_ t: AlertTransition, host: String, link: LinkTemplate?) -> JSONValue {
        let doc: [(String, JSONValue)] = [
            ("version", .int(version)),
            ("type", "alert"),
            ("idempotency_key", t.idempotencyKey.map(JSONValue.string) ?? .null),
            ("alert_id", t.alertID.map(JSONValue.string) ?? .null),
            ("sequence", t.sequence.map { .int(Int64($0)) } ?? .null),
            ("kind", .string(t.kind.rawValue)),
            ("rule", .string(t.rule)),
            ("group", t.group.map(JSONValue.string) ?? .null),
            ("severity", .string(t.severity.rawValue)),
            ("condition", .string(t.condition)),
            ("match", .string(t.match)),
            ("rate", .double(fraction(t.rate))),
            ("limit", .double(fraction(t.limit))),
            ("resolve_below", .double(fraction(t.resolveBelow))),
            ("matched", .int(Int64(clamping: t.matched))),
            ("total", .int(Int64(clamping: t.total))),
            ("window_seconds", .int(t.windowSeconds)),
            ("host", .string(host)),
            ("inputs", .array(t.inputs.map(JSONValue.string))),
            ("codes", .array(t.codes.map { share in
                let e = StatusCatalog.explain(share.code)
                return .object([("code", .string(share.code.description)), ("count", .int(Int64(clamping: share.count))),
                                ("name", .string(e.name)), ("usual_fault", .string(e.usualFault))])
            })),
            ("at", .string(CivilTime.iso8601(t.at))),
            ("seen_at", .string(CivilTime.iso8601(t.seenAt))),
            ("late", .bool(t.late)),
            ("fired_at", t.firedAt.map { .string(CivilTime.iso8601($0)) } ?? .null),
            ("duration_seconds", t.kind == .resolved ? t.firedAt.map { .int(max(0, t.at - $0)) } ?? .null : .null),
            ("peak_rate", .double(fraction(t.peakRate))),
            ("link", link.map { .string($0.render(t, host: host)) } ?? .null),
            ("runbook", t.runbookLink(host: host).map(JSONValue.string) ?? .null),
            ("text", .string(AlertMessage.render(t))),
            ("top_paths", labelCounts(t.topPaths)),
            ("top_hosts", labelCounts(t.topHosts)),
            ("escalated_after_seconds", t.escalatedAfter.map { .int($0) } ?? .null),
            ("acknowledged_at", t.acknowledgedAt.map { .string(CivilTime.iso8601($0)) } ?? .null),
            ("ack_reason", t.ackReason.map { .string($0) } ?? .null),
        ]
        return .object(doc)
    }

    /// The `statusd test-sink` document: `type: "test"`.
    public static func test(sink: String, host: String, at: Int64) -> JSONValue {
        .object([
            ("version", .int(version)), ("type", "test"), ("idempotency_key", .string("test/\(at)")), ("sink", .string(sink)),
            ("host", .string(host)), ("at", .string(CivilTime.iso8601(at))),
            ("text", .string("TEST from statusd on \(host): sink \(sink) works. No alert is firing.")),
        ])
    }

    /// `[{"value": "/api/checkout", "count": 61}]`, or null when the lines carried none.
    static func labelCounts(_ values: [LabelCount]?) -> JSONValue {
        guard let values else { return .null }
        return .array(values.map { .object([("value", .string($0.value)), ("count", .int(Int64(clamping: $0.count)))]) })
    }

    /// A rate with at most 6 decimals.
    static func fraction(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }
}
