import StatusdParse
import StatusdEngine
/// The `webhook` sink's `payload: alertmanager`: the body Alertmanager's own webhook receiver
/// posts (version "4"), so receivers already built for Alertmanager take statusd's alerts as they
/// are.
///
/// One notification is one group holding one alert, grouped by `alertname` as a default
/// Alertmanager route would; a digest is one message holding the latest state of each alert. As in
/// Alertmanager, a firing alert's `endsAt` is the zero time.
public enum AlertmanagerWebhook {
    public static let version = "4"
    /// Alertmanager's zero time, sent as a firing alert's `endsAt`.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    public static func render(_ t: AlertTransition, receiver: String, options: AlertmanagerAlert.Options, now: Int64) -> JSONValue {
        message([t], receiver: receiver, options: options, now: now)
    }

    /// One message for a backlog: the latest notification of each alert.
    public static func digest(_ ts: [AlertTransition], receiver: String, options: AlertmanagerAlert.Options, now: Int64) -> JSONValue {
        message(AlertmanagerAlert.latest(ts), receiver: receiver, options: options, now: now)
    }

    static func message(_ ts: [AlertTransition], receiver: String, options o: AlertmanagerAlert.Options, now: Int64) -> JSONValue {
        let alerts = ts.map { AlertmanagerAlert($0, options: o, now: now) }
        let firing = alerts.contains { !$0.resolved }
        let commonLabels = common(alerts.map(\.labels))
        let groupLabels = commonLabels.filter { $0.0 == "alertname" }
        let groupKey = "{}:{" + groupLabels.map { "\($0.0)=\(quoted($0.1))" }.joined(separator: ", ") + "}"
        return .object([
            ("version", .string(version)),
            ("groupKey", .string(groupKey)),
            ("truncatedAlerts", .int(0)),
            ("status", .string(firing ? "firing" : "resolved")),
            ("receiver", .string(receiver)),
            ("groupLabels", AlertmanagerAlert.object(groupLabels)),
            ("commonLabels", AlertmanagerAlert.object(commonLabels)),
            ("commonAnnotations", AlertmanagerAlert.object(common(alerts.map(\.annotations)))),
            ("externalURL", .string("statusd://\(LinkTemplate.percentEncode(o.host))/")),
            ("alerts", .array(alerts.map { a in
                .object([
                    ("status", .string(a.resolved ? "resolved" : "firing")),
                    ("labels", AlertmanagerAlert.object(a.labels)),
                    ("annotations", AlertmanagerAlert.object(a.annotations)),
                    ("startsAt", .string(CivilTime.iso8601(a.startsAt))),
                    ("endsAt", .string(a.resolved ? CivilTime.iso8601(a.endsAt) : zeroTime)),
                    ("generatorURL", .string(a.generatorURL)),
                    ("fingerprint", .string(a.fingerprint)),
                ])
            })),
        ])
    }

    /// `statusd test-sink`: one firing alert named `statusd-test`, clearly marked.
    public static func test(sink: String, host: String, at: Int64) -> JSONValue {
        let labels = [("alertname", "statusd-test"), ("host", host), ("severity", "none")]
        let annotations = [("summary", "TEST from statusd on \(host): sink \(sink) works. No alert is firing.")]
        return .object([
            ("version", .string(version)), ("groupKey", .string("{}:{alertname=\"statusd-test\"}")), ("truncatedAlerts", .int(0)),
            ("status", "firing"), ("receiver", .string(sink)),
            ("groupLabels", AlertmanagerAlert.object([("alertname", "statusd-test")])),
            ("commonLabels", AlertmanagerAlert.object(labels)), ("commonAnnotations", AlertmanagerAlert.object(annotations)),
            ("externalURL", .string("statusd://\(LinkTemplate.percentEncode(host))/")),
            ("alerts", .array([.object([
                ("status", "firing"), ("labels", AlertmanagerAlert.object(labels)),
                ("annotations", AlertmanagerAlert.object(annotations)), ("startsAt", .string(CivilTime.iso8601(at))),
                ("endsAt", .string(zeroTime)), ("generatorURL", .string("statusd://\(LinkTemplate.percentEncode(host))/test")),
                ("fingerprint", .string(AlertmanagerAlert.fingerprint(labels))),
            ])])),
        ])
    }

    /// The pairs every set has with the same value, in the first set's order.
    static func common(_ sets: [[(String, String)]]) -> [(String, String)] {
        guard let first = sets.first else { return [] }
        return first.filter { pair in sets.dropFirst().allSatisfy { $0.contains { $0 == pair } } }
    }

    /// A label value as Alertmanager's group key writes it (Go `%q`): quotes and backslashes escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
