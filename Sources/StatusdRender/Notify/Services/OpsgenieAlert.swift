import StatusdParse
import StatusdEngine
/// An Opsgenie Alert API request: create (`POST /v2/alerts`) for a firing alert with `alias` =
/// the alert id, so a retried or repeated create is deduplicated into the open alert, and close
/// by alias (`POST /v2/alerts/{alias}/close?identifierType=alias`) for its resolved notice.
///
/// `Authorization: GenieKey <api_key>`. Limits cut to: message 130 characters, alias 512,
/// description 15,000, entity 512, source 100, each tag 50, each detail value 8,000.
public enum OpsgenieAlert {
    public static let messageLimit = 130
    public static let aliasLimit = 512
    public static let descriptionLimit = 15_000

    public static func request(_ t: AlertTransition, _ c: ChatContent, _ target: ServiceTarget) -> ServiceRequest {
        let alias = ServiceRequests.serviceKey(t.alertID ?? "\(t.rule)@\(t.firedAt ?? t.at)", aliasLimit)
        if t.kind == .resolved { return close(alias: alias, note: c.summary.plain, target) }
        var details: [(String, JSONValue)] = [
            ("rule", .string(Untrusted.clean(t.rule))), ("match", .string(t.match)),
            ("rate", .string(Percent.format(t.rate))), ("limit", .string(Percent.format(t.limit))),
            ("matched", .string(Count.format(t.matched))), ("total", .string(Count.format(t.total))),
            ("window", .string(DurationText.format(t.windowSeconds))),
        ]
        if let g = t.group { details.append(("group", .string(Trim.utf8(Untrusted.clean(g), 8000)))) }
        let codes = AlertMessage.codesText(t.codes)
        if !codes.isEmpty { details.append(("codes", .string(String(codes.dropFirst("Codes: ".count))))) }
        let labels = AlertMessage.labelsText(t)
        if !labels.isEmpty { details.append(("where", .string(Trim.utf8(Untrusted.clean(labels, max: 8000), 8000)))) }
        if let link = c.link { details.append(("dashboard", .string(link))) }
        if let runbook = c.runbook { details.append(("runbook", .string(runbook))) }
        let tags = ["statusd", t.severity.rawValue, Untrusted.clean(t.rule)].map { JSONValue.string(Trim.utf16($0, 50)) }
        return create(message: c.headline.plain, alias: alias, description: ServiceText.plain(c, cut: 4000), tags: tags,
                      details: details, priority: t.severity == .critical ? "P1" : "P3", target)
    }

    static func create(message: String, alias: String, description: String, tags: [JSONValue], details: [(String, JSONValue)],
                       priority: String, _ target: ServiceTarget) -> ServiceRequest {
        let body: JSONValue = .object([
            ("message", .string(Trim.utf16(message, messageLimit))),
            ("alias", .string(alias)),
            ("description", .string(Trim.utf16(description, descriptionLimit))),
            ("tags", .array(tags)),
            ("details", .object(details)),
            ("entity", .string(Trim.utf16(Untrusted.clean(target.host), 512))),
            ("source", "statusd"),
            ("priority", .string(priority)),
        ])
        return ServiceRequest(url: target.base + "/v2/alerts", headers: headers(target), body: body)
    }

    static func close(alias: String, note: String, _ target: ServiceTarget) -> ServiceRequest {
        ServiceRequest(url: target.base + "/v2/alerts/" + LinkTemplate.percentEncode(alias) + "/close?identifierType=alias",
                       headers: headers(target),
                       body: .object([("source", "statusd"), ("user", "statusd"), ("note", .string(Trim.utf16(note, 25_000)))]))
    }

    static func headers(_ target: ServiceTarget) -> [ServiceRequest.Header] {
        [.init("Content-Type", "application/json"), .init("Authorization", "GenieKey " + (target.credential ?? ""))]
    }

    /// A P5 test alert, closed at once.
    static func test(_ c: ChatContent, _ target: ServiceTarget, at: Int64) -> [ServiceRequest] {
        let alias = "statusd-test/\(at)"
        return [create(message: c.headline.plain, alias: alias, description: c.summary.plain, tags: ["statusd", "test"],
                       details: [], priority: "P5", target),
                close(alias: alias, note: "statusd test-sink: closed at once", target)]
    }
}
