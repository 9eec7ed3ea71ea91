import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// Alerts as journald entries with a fixed `MESSAGE_ID` per kind and `STATUSD_*` fields.
///
/// journald is always a sink: when it is down (`sd_journal_sendv` fails), the notification stays
/// in the outbox and is retried, so the entry appears once journald is back.
package struct JournalAlertSink: AlertSink {
    /// `MESSAGE_ID`s, fixed so that `journalctl MESSAGE_ID=...` finds every alert of a kind.
    package static let firingMessageID = "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f81"
    package static let resolvedMessageID = "6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f82"

    package let name = SinkRoutes.journalSinkName
    package let type = "journald"

    package init() {}

    package func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        // libsystemd drops an entry silently when the socket is missing (ENOENT): check first.
        guard Journal.isAvailable else { return .retry(reason: "journald is not running (no \(Journal.socketPath))", after: nil) }
        let rc = Journal.sendv(Self.fields(transition))
        if rc >= 0 { return .delivered }
        return .retry(reason: "journald: \(String(cString: strerror(-rc)))", after: nil)
    }

    package static func fields(_ e: AlertTransition) -> [(String, String)] {
        let firing = e.kind == .firing
        var fields = [
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
            ("STATUSD_AT", CivilTime.iso8601(e.at)),
            ("STATUSD_SEEN_AT", CivilTime.iso8601(e.seenAt)),
            ("STATUSD_LATE", e.late ? "true" : "false"),
        ]
        if let id = e.alertID { fields.append(("STATUSD_ALERT_ID", id)) }
        if let paths = AlertMessage.countsField(e.topPaths) { fields.append(("STATUSD_TOP_PATHS", paths)) }
        if let hosts = AlertMessage.countsField(e.topHosts) { fields.append(("STATUSD_TOP_HOSTS", hosts)) }
        if let seq = e.sequence { fields.append(("STATUSD_SEQUENCE", String(seq))) }
        if let group = e.group { fields.append(("STATUSD_GROUP", group)) }
        // `statusd ack`: the reason is someone's text, escaped for the journal.
        if let at = e.acknowledgedAt { fields.append(("STATUSD_ACKNOWLEDGED_AT", CivilTime.iso8601(at))) }
        if let reason = e.ackReason { fields.append(("STATUSD_ACK_REASON", SafeText.field(reason))) }
        return fields
    }

    /// A rate as a fraction with up to 6 decimals: `0.0731`.
    static func fraction(_ v: Double) -> String {
        let scaled = (v * 1_000_000).rounded() / 1_000_000
        return String(scaled)
    }
}
