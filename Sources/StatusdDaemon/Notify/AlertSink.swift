import StatusdCore

/// Where alerts go. journald and stderr now; webhooks, Alertmanager and others add conformers.
///
/// `deliver` is called on the pipeline's thread and must not block for long: a sink that talks
/// to the network queues the event and sends it on its own.
public protocol AlertSink: Sendable {
    func deliver(_ event: AlertEvent)
}

/// Alerts as journald entries with a fixed `MESSAGE_ID` per kind and `STATUSD_*` fields.
public struct JournalAlertSink: AlertSink {
    /// `MESSAGE_ID`s, fixed so that `journalctl MESSAGE_ID=...` finds every alert of a kind.
    public static let firingMessageID = "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f81"
    public static let resolvedMessageID = "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f82"

    public init() {}

    public func deliver(_ event: AlertEvent) {
        guard event.kind == .firing || event.kind == .resolved else { return }
        Journal.send(Self.fields(event))
    }

    public static func fields(_ e: AlertEvent) -> [(String, String)] {
        let firing = e.kind == .firing
        return [
            ("MESSAGE", AlertMessage.render(e)),
            ("PRIORITY", firing ? String(e.severity.priority) : "5"),
            ("SYSLOG_IDENTIFIER", "statusd"),
            ("MESSAGE_ID", firing ? firingMessageID : resolvedMessageID),
            ("STATUSD_RULE", e.rule),
            ("STATUSD_STATE", firing ? "firing" : "resolved"),
            ("STATUSD_SEVERITY", e.severity.rawValue),
            ("STATUSD_MATCH", e.match),
            ("STATUSD_RATE", fraction(e.rate)),
            ("STATUSD_LIMIT", fraction(firing ? e.limit : e.resolveBelow)),
            ("STATUSD_MATCHED", String(e.matched)),
            ("STATUSD_TOTAL", String(e.total)),
            ("STATUSD_WINDOW", String(e.windowSeconds)),
            ("STATUSD_INPUT", e.inputs.joined(separator: ",")),
            ("STATUSD_CODES", e.codesField),
            ("STATUSD_SINCE", CivilTime.iso8601(e.firedAt ?? e.at)),
        ]
    }

    /// A rate as a fraction with up to 6 decimals: `0.0731`.
    static func fraction(_ v: Double) -> String {
        let scaled = (v * 1_000_000).rounded() / 1_000_000
        return String(scaled)
    }
}

/// Alerts as one line on stderr, when stderr is not already the journal.
public struct StderrAlertSink: AlertSink {
    public init() {}

    public func deliver(_ event: AlertEvent) {
        guard event.kind == .firing || event.kind == .resolved else { return }
        StandardError.write("statusd: " + AlertMessage.render(event) + "\n")
    }
}
