import StatusdParse
import StatusdEngine
/// A PagerDuty Events API v2 event: `trigger` for a firing alert, `resolve` for its resolved
/// notice, both with `dedup_key` = the alert id, so a retried or repeated trigger adds to the
/// same incident and the resolve closes it.
///
/// `payload.summary` (at most 1,024 characters) is the headline, `source` the host, `severity`
/// critical or warning, `timestamp` the transition's second, `custom_details` the rule, rate,
/// limit, counts, codes and top paths and hosts; `links` the dashboard and the runbook.
public enum PagerDutyEvent {
    public static let summaryLimit = 1024
    public static let dedupKeyLimit = 255

    public static func request(_ t: AlertTransition, _ c: ChatContent, _ target: ServiceTarget) -> ServiceRequest {
        ServiceRequest(url: target.url, headers: [.init("Content-Type", "application/json")], body: body(t, c, target))
    }

    public static func body(_ t: AlertTransition, _ c: ChatContent, _ target: ServiceTarget) -> JSONValue {
        let dedup = ServiceRequests.serviceKey(t.alertID ?? "\(t.rule)@\(t.firedAt ?? t.at)", dedupKeyLimit)
        var event: [(String, JSONValue)] = [
            ("routing_key", .string(target.credential ?? "")),
            ("event_action", t.kind == .resolved ? "resolve" : "trigger"),
            ("dedup_key", .string(dedup)),
        ]
        // A resolve needs only its key; the trigger carries the incident's content.
        guard t.kind != .resolved else { return .object(event) }
        var details: [(String, JSONValue)] = [
            ("rule", .string(Untrusted.clean(t.rule))), ("severity", .string(t.severity.rawValue)), ("match", .string(t.match)),
            ("rate", .string(t.condition == "count" ? Count.format(t.matched) : Percent.format(t.rate))),
            ("limit", .string(t.condition == "count" ? Count.format(UInt64(max(0, t.limit))) : Percent.format(t.limit))),
            ("matched", .int(Int64(clamping: t.matched))), ("total", .int(Int64(clamping: t.total))),
            ("window", .string(DurationText.format(t.windowSeconds))),
            ("inputs", .array(t.inputs.map { .string(Untrusted.clean($0)) })),
            ("codes", .object(t.codes.prefix(10).map { ("\($0.code)", .int(Int64(clamping: $0.count))) })),
        ]
        if let g = t.group { details.append(("group", .string(Untrusted.clean(g)))) }
        if let p = t.topPaths, !p.isEmpty { details.append(("top_paths", counts(p))) }
        if let h = t.topHosts, !h.isEmpty { details.append(("top_hosts", counts(h))) }
        details.append(("text", .string(Trim.utf8(c.summary.plain, 4000))))
        var payload: [(String, JSONValue)] = [
            ("summary", .string(Trim.utf16(c.headline.plain, summaryLimit))),
            ("source", .string(Trim.utf16(Untrusted.clean(target.host), 255))),
            ("severity", .string(t.severity == .critical ? "critical" : "warning")),
            ("timestamp", .string(c.timestamp)),
        ]
        if !t.inputs.isEmpty { payload.append(("component", .string(Trim.utf16(Untrusted.clean(t.inputs.joined(separator: ",")), 255)))) }
        if let g = t.group { payload.append(("group", .string(Trim.utf16(Untrusted.clean(g), 255)))) }
        payload.append(("class", .string(t.match)))
        payload.append(("custom_details", .object(details)))
        event.append(("payload", .object(payload)))
        event.append(("client", "statusd"))
        if let link = c.link { event.append(("client_url", .string(link))) }
        let links = links(c)
        if !links.isEmpty { event.append(("links", .array(links))) }
        return .object(event)
    }

    static func links(_ c: ChatContent) -> [JSONValue] {
        var out: [JSONValue] = []
        if let runbook = c.runbook { out.append(.object([("href", .string(runbook)), ("text", "Runbook")])) }
        if let link = c.link { out.append(.object([("href", .string(link)), ("text", "Dashboard")])) }
        return out
    }

    static func counts(_ values: [LabelCount]) -> JSONValue {
        .array(values.prefix(AlertMessage.labelsShown).map { .object([("value", .string(Untrusted.clean($0.value))), ("count", .int(Int64(clamping: $0.count)))]) })
    }

    /// A test trigger of severity `info`, resolved at once: it proves the key works and leaves no incident open.
    static func test(_ c: ChatContent, _ target: ServiceTarget, at: Int64) -> [ServiceRequest] {
        let key = "statusd-test/\(at)"
        let trigger: JSONValue = .object([
            ("routing_key", .string(target.credential ?? "")), ("event_action", "trigger"), ("dedup_key", .string(key)),
            ("payload", .object([("summary", .string(Trim.utf16(c.headline.plain, summaryLimit))), ("source", .string(Trim.utf16(Untrusted.clean(target.host), 255))),
                                 ("severity", "info"), ("timestamp", .string(c.timestamp))])),
            ("client", "statusd"),
        ])
        let resolve: JSONValue = .object([("routing_key", .string(target.credential ?? "")), ("event_action", "resolve"), ("dedup_key", .string(key))])
        return [trigger, resolve].map { ServiceRequest(url: target.url, headers: [.init("Content-Type", "application/json")], body: $0) }
    }
}
