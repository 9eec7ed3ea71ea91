/// One thing wrong with statusd itself: its kind, what it concerns (a sink, a path, a directory),
/// why, and since when. `statusd status` lists each under `health`; any one makes the headline
/// `DEGRADED`.
public struct Degradation: Codable, Sendable, Equatable {
    public var kind: DegradationKind
    /// The sink, file or directory it concerns; nil for the daemon as a whole.
    public var subject: String?
    /// The cause, for people: the error, what was lost, when the next attempt is.
    public var detail: String
    /// When it began (Unix seconds).
    public var since: Int64
    /// A sink retrying: when it tries next (Unix seconds).
    public var nextAttemptAt: Int64?
    /// A sink retrying: when the oldest notification waiting for it was queued (Unix seconds).
    public var oldestQueuedAt: Int64?

    public init(kind: DegradationKind, subject: String? = nil, detail: String, since: Int64,
                nextAttemptAt: Int64? = nil, oldestQueuedAt: Int64? = nil) {
        self.nextAttemptAt = nextAttemptAt
        self.oldestQueuedAt = oldestQueuedAt
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.since = since
    }

    enum CodingKeys: String, CodingKey {
        case kind, subject, detail, since
        case nextAttemptAt = "next_attempt_at", oldestQueuedAt = "oldest_queued_at"
    }

    /// `sink_retrying:chat`, `reload_failed`: one degradation per key at a time.
    public var key: String { subject.map { "\(kind.rawValue):\($0)" } ?? kind.rawValue }

    /// `state not writable (/var/lib/statusd): No space left on device`.
    public var summary: String {
        let what = String(kind.rawValue.map { $0 == "_" ? " " : $0 })
        return subject.map { "\(what) (\($0)): \(detail)" } ?? "\(what): \(detail)"
    }
}
