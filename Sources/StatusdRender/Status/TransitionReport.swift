import StatusdParse
import StatusdEngine
/// A recent transition as `statusd status` lists it: the same fields as a replay timeline entry,
/// plus when it was evaluated, so live and replay can be compared and a backlog shows as `late`.
public struct TransitionReport: Codable, Sendable, Equatable {
    public var rule: String
    public var severity: Severity
    public var event: AlertTransitionKind
    public var at: String
    public var atUnix: Int64
    public var seenAt: String
    public var late: Bool
    public var alertID: String?
    public var sequence: Int?
    public var rate: Double
    public var matched: UInt64
    public var requests: UInt64

    public init(_ t: AlertTransition) {
        rule = t.rule
        severity = t.severity
        event = t.kind
        at = CivilTime.iso8601(t.at)
        atUnix = t.at
        seenAt = CivilTime.iso8601(t.seenAt)
        late = t.late
        alertID = t.alertID
        sequence = t.sequence
        rate = t.rate
        matched = t.matched
        requests = t.total
    }

    enum CodingKeys: String, CodingKey {
        case rule, severity, event, at, late, sequence, rate, matched, requests
        case atUnix = "at_unix", seenAt = "seen_at", alertID = "alert_id"
    }
}
