import StatusdParse
import StatusdEngine
/// The `health` section of `statusd status`: statusd's own degradations, each with its cause and
/// since when. Any one makes the headline `DEGRADED` and the exit code at least 1.
public struct HealthReport: Codable, Sendable, Equatable {
    /// `ok` or `degraded`.
    public var status: String
    public var degradations: [DegradationReport]
    /// A degradation lasting this long is sent as an alert (`health.alert_after`).
    public var alertAfterSeconds: Int64

    public init(_ degradations: [Degradation], alerted: Set<String> = [], alertAfterSeconds: Int64, now: Int64) {
        self.status = degradations.isEmpty ? "ok" : "degraded"
        self.degradations = degradations.map { DegradationReport($0, alerted: alerted.contains($0.key), now: now) }
        self.alertAfterSeconds = alertAfterSeconds
    }

    public var isDegraded: Bool { !degradations.isEmpty }

    enum CodingKeys: String, CodingKey {
        case status, degradations
        case alertAfterSeconds = "alert_after_seconds"
    }
}

/// One degradation as status shows it.
public struct DegradationReport: Codable, Sendable, Equatable {
    /// `state_not_writable`, `state_corrupt`, `reload_failed`, `input_unreadable`,
    /// `inotify_exhausted`, `sink_retrying`, `sink_disabled`, `notifications_given_up`.
    public var kind: String
    public var subject: String?
    public var detail: String
    public var since: String
    public var sinceUnix: Int64
    public var seconds: Int64
    /// Sent as a self-alert (it lasted `alert_after`).
    public var alerted: Bool
    public var nextAttemptAt: String?
    /// Age of the oldest notification waiting (a sink retrying).
    public var oldestQueuedSeconds: Int64?

    public init(_ d: Degradation, alerted: Bool, now: Int64) {
        kind = d.kind.rawValue
        subject = d.subject
        detail = d.detail
        since = CivilTime.iso8601(d.since)
        sinceUnix = d.since
        seconds = max(0, now - d.since)
        self.alerted = alerted
        nextAttemptAt = d.nextAttemptAt.map(CivilTime.iso8601)
        oldestQueuedSeconds = d.oldestQueuedAt.map { max(0, now - $0) }
    }

    /// `sink_retrying chat since 12:00:01Z (3m): HTTP 429; next attempt 13:00:01Z; oldest queued 3m`
    public var line: String {
        // Paths and errors come from outside: cleaned before they reach a terminal.
        var s = kind + (subject.map { " \(SafeText.field($0))" } ?? "") + " since \(since) (\(DurationText.format(seconds)))"
        s += ": \(SafeText.field(detail))"
        if let n = nextAttemptAt { s += "; next attempt \(n)" }
        if let o = oldestQueuedSeconds { s += "; oldest queued \(DurationText.format(o)) ago" }
        if alerted { s += "; alert sent" }
        return s
    }

    enum CodingKeys: String, CodingKey {
        case kind, subject, detail, since, seconds, alerted
        case sinceUnix = "since_unix", nextAttemptAt = "next_attempt_at", oldestQueuedSeconds = "oldest_queued_seconds"
    }
}
