import StatusdParse
import StatusdEngine
/// One statusd alert as Alertmanager sees it: the label set that identifies it across hosts and
/// re-sends, the annotations a person reads, and its time range.
///
/// Alertmanager identifies an alert by its labels alone, so they hold only what names the alert
/// (`alertname`, `rule`, `host`, `input`, `group`, `track`, `severity`), never a value that changes
/// while it fires (rates and counts go in the annotations). Pure: the send time is passed in.
public struct AlertmanagerAlert: Sendable, Equatable {
    /// Label names and values, in a fixed order (`alertname` first).
    public var labels: [(String, String)]
    public var annotations: [(String, String)]
    /// When the episode began firing (Unix seconds).
    public var startsAt: Int64
    /// Resolved: when it resolved. Firing: the time Alertmanager may consider it resolved if no
    /// re-send comes (statusd gone): the send time plus `validFor`.
    public var endsAt: Int64
    public var resolved: Bool
    public var generatorURL: String

    public static func == (a: Self, b: Self) -> Bool {
        a.labels.elementsEqual(b.labels) { $0 == $1 } && a.annotations.elementsEqual(b.annotations) { $0 == $1 } && a.startsAt == b.startsAt
            && a.endsAt == b.endsAt && a.resolved == b.resolved && a.generatorURL == b.generatorURL
    }

    /// How the alerts of one sink are rendered.
    public struct Options: Sendable, Equatable {
        /// This machine's name (`host` label).
        public var host: String
        /// `generator_url` (placeholders as `link`); nil: `link`, else `statusd://HOST/rules/RULE`.
        public var generatorURL: LinkTemplate?
        /// The sink's `link`, also given as the `link` annotation.
        public var link: LinkTemplate?
        /// A firing alert's `endsAt` is the send time plus this: several re-send intervals, so one
        /// lost re-send does not resolve it, and a statusd that died resolves it within minutes.
        public var validForSeconds: Int64

        public init(host: String, generatorURL: LinkTemplate? = nil, link: LinkTemplate? = nil, validForSeconds: Int64 = 240) {
            self.host = host
            self.generatorURL = generatorURL
            self.link = link
            self.validForSeconds = validForSeconds
        }
    }

    public init(_ t: AlertTransition, options o: Options, now: Int64) {
        labels = Self.labels(t, host: o.host)
        resolved = t.kind == .resolved
        startsAt = t.firedAt ?? t.at
        endsAt = resolved ? max(t.at, startsAt) : now + o.validForSeconds
        var a: [(String, String)] = [("summary", Self.summary(t, host: o.host)), ("description", AlertMessage.render(t))]
        let codes = AlertMessage.codesText(t.codes)
        if !codes.isEmpty { a.append(("codes", String(codes.dropFirst("Codes: ".count)))) }
        // Where it hurts: the top paths and hosts behind the matching codes (from log lines).
        if let paths = AlertMessage.countsField(t.topPaths) { a.append(("paths", paths)) }
        if let hosts = AlertMessage.countsField(t.topHosts) { a.append(("hosts", hosts)) }
        if let detail = t.detail { a.append(("detail", detail)) }
        a.append(("rate", Percent.format(t.rate)))
        a.append(("limit", t.condition == "count" ? Count.format(UInt64(max(0, t.limit))) : Percent.format(t.limit)))
        a.append(("window", DurationText.format(t.windowSeconds)))
        if let id = t.alertID { a.append(("alert_id", id)) }
        if let key = t.idempotencyKey { a.append(("idempotency_key", key)) }
        if let link = o.link { a.append(("link", link.render(t, host: o.host))) }
        // Alertmanager's conventional annotation for a runbook (its templates and UIs link it).
        if let runbook = t.runbookLink(host: o.host) { a.append(("runbook_url", runbook)) }
        annotations = a
        generatorURL = (o.generatorURL ?? o.link)?.render(t, host: o.host) ?? Self.defaultGeneratorURL(t, host: o.host)
    }

    /// `alertname` (the rule), `rule`, `host`, `input` (the inputs, comma-separated), `group` (a
    /// grouped rule's value), `track` (an SLO's `page` or `ticket`), `severity`.
    public static func labels(_ t: AlertTransition, host: String) -> [(String, String)] {
        var l: [(String, String)] = [("alertname", t.rule), ("rule", t.rule), ("host", host)]
        l.append(("input", t.inputs.isEmpty ? "all" : t.inputs.joined(separator: ",")))
        if let g = t.group { l.append(("group", g)) }
        if let track = t.track { l.append(("track", track)) }
        l.append(("severity", t.severity.rawValue))
        return l
    }

    /// `server-errors on web-01: 15% of requests 5xx (limit 10%)`; resolved: `... 5xx back to 3.8%`.
    public static func summary(_ t: AlertTransition, host: String) -> String {
        var name = t.rule
        if let g = t.group { name += " [\(g)]" }
        if let track = t.track { name += " (\(track))" }
        let value = t.condition == "count" ? "\(Count.format(t.matched)) requests" : "\(Percent.format(t.rate)) of requests"
        if t.kind == .resolved { return "\(name) on \(host): \(t.match) back to \(value)" }
        let limit = t.condition == "count" ? Count.format(UInt64(max(0, t.limit))) : Percent.format(t.limit)
        return "\(name) on \(host): \(value) \(t.match) (limit \(limit))"
    }

    /// `statusd://web-01/rules/server-errors`: where the alert comes from, when no URL is configured.
    public static func defaultGeneratorURL(_ t: AlertTransition, host: String) -> String {
        "statusd://\(LinkTemplate.percentEncode(host))/rules/\(LinkTemplate.percentEncode(t.rule))"
    }

    /// The alert as `POST /api/v2/alerts` takes it (one element of the array).
    public var postable: JSONValue {
        .object([
            ("labels", Self.object(labels)),
            ("annotations", Self.object(annotations)),
            ("startsAt", .string(CivilTime.iso8601(startsAt))),
            ("endsAt", .string(CivilTime.iso8601(endsAt))),
            ("generatorURL", .string(generatorURL)),
        ])
    }

    /// Alertmanager's fingerprint of the label set: FNV-1a 64 over the labels sorted by name, each
    /// name and value followed by the byte 0xFF, as 16 hex digits (prometheus/common `model`).
    public var fingerprint: String { Self.fingerprint(labels) }

    public static func fingerprint(_ labels: [(String, String)]) -> String {
        var h: UInt64 = 14_695_981_039_346_656_037
        func add(_ b: UInt8) {
            h ^= UInt64(b)
            h = h &* 1_099_511_628_211
        }
        for (k, v) in labels.sorted(by: { $0.0 < $1.0 }) {
            for b in k.utf8 { add(b) }
            add(0xFF)
            for b in v.utf8 { add(b) }
            add(0xFF)
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func object(_ pairs: [(String, String)]) -> JSONValue { .object(pairs.map { ($0.0, .string($0.1)) }) }

    /// The body of `POST /api/v2/alerts` for these notifications: the latest of each alert only
    /// (a backlog's firing and resolved of one alert become its resolved), in first-seen order.
    public static func postBody(_ ts: [AlertTransition], options: Options, now: Int64) -> JSONValue {
        .array(latest(ts).map { AlertmanagerAlert($0, options: options, now: now).postable })
    }

    /// The latest notification of each alert (rule, group, track), in the order first seen.
    public static func latest(_ ts: [AlertTransition]) -> [AlertTransition] {
        var order: [String] = []
        var last: [String: AlertTransition] = [:]
        for t in ts {
            let key = AlertKey.name(rule: t.rule, group: t.group, track: t.track)
            if last[key] == nil { order.append(key) }
            last[key] = t
        }
        return order.compactMap { last[$0] }
    }

    /// `statusd test-sink`: an alert already resolved (it ended as it began), clearly marked, so
    /// Alertmanager checks and stores it but notifies no one (it never fired).
    public static func test(sink: String, host: String, at: Int64) -> JSONValue {
        .array([.object([
            ("labels", object([("alertname", "statusd-test"), ("host", host), ("sink", sink), ("severity", "none")])),
            ("annotations", object([("summary", "TEST from statusd on \(host): sink \(sink) works. No alert is firing.")])),
            ("startsAt", .string(CivilTime.iso8601(at - 1))),
            ("endsAt", .string(CivilTime.iso8601(at - 1))),
            ("generatorURL", .string("statusd://\(LinkTemplate.percentEncode(host))/test")),
        ])])
    }
}
