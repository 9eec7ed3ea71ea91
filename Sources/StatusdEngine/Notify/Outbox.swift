/// Notifications waiting for their sinks: firing and resolved transitions, each kept until every
/// sink that must get it has acknowledged it.
///
/// Pure and `Codable`: the daemon saves it in the same atomic checkpoint as the alert states that
/// produced it, so a crash between a transition and its delivery loses nothing, and an
/// acknowledged delivery is not repeated. Each sink takes its notifications strictly in order, so
/// a resolved notice never overtakes its firing.
public struct Outbox: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// Order of enqueueing, across all rules.
        public var seq: UInt64
        public var transition: AlertTransition
        /// When it was enqueued (Unix seconds).
        public var enqueuedAt: Int64
        /// Sinks that have not acknowledged it yet.
        public var pending: [String]

        enum CodingKeys: String, CodingKey {
            case seq, transition, pending
            case enqueuedAt = "enqueued_at"
        }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var nextSeq: UInt64 = 1
    /// What each Alertmanager sink re-sends until it resolves (and for a while after).
    public var standing = StandingAlerts()
    /// Which sinks got each firing episode, escalations waiting, acknowledgements (`AlertEpisodes`).
    public var episodes = AlertEpisodes()

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entries = try c.decode([Entry].self, forKey: .entries)
        nextSeq = try c.decode(UInt64.self, forKey: .nextSeq)
        // Absent in state files written before Alertmanager sinks.
        standing = try c.decodeIfPresent(StandingAlerts.self, forKey: .standing) ?? StandingAlerts()
        // Absent in state files written before escalation and acknowledgements.
        episodes = try c.decodeIfPresent(AlertEpisodes.self, forKey: .episodes) ?? AlertEpisodes()
    }

    /// Queues `transition` for `sinks`; returns its sequence number, or nil when no sink takes it.
    @discardableResult
    public mutating func enqueue(_ transition: AlertTransition, sinks: [String], now: Int64) -> UInt64? {
        guard !sinks.isEmpty else { return nil }
        let seq = nextSeq
        nextSeq += 1
        entries.append(Entry(seq: seq, transition: transition, enqueuedAt: now, pending: sinks))
        return seq
    }

    /// The oldest notification `sink` has not acknowledged.
    public func next(for sink: String) -> Entry? {
        entries.first { $0.pending.contains(sink) }
    }

    /// `sink` has the notification `seq`: it leaves the outbox once every sink has it.
    public mutating func acknowledge(_ seq: UInt64, sink: String) {
        guard let k = entries.firstIndex(where: { $0.seq == seq }) else { return }
        entries[k].pending.removeAll { $0 == sink }
        if entries[k].pending.isEmpty { entries.remove(at: k) }
    }

    /// Notifications waiting for `sink`.
    public func queued(for sink: String) -> Int {
        entries.reduce(0) { $0 + ($1.pending.contains(sink) ? 1 : 0) }
    }

    /// When the oldest notification waiting for `sink` was enqueued.
    public func oldestQueuedAt(for sink: String) -> Int64? {
        next(for: sink)?.enqueuedAt
    }

    /// Gives up on notifications older than `maxAge` seconds: returns them with the sinks that
    /// never got them, so the daemon can report each.
    public mutating func expire(olderThan maxAge: Int64, now: Int64) -> [(entry: Entry, sinks: [String])] {
        let old = entries.filter { now - $0.enqueuedAt > maxAge }
        guard !old.isEmpty else { return [] }
        entries.removeAll { now - $0.enqueuedAt > maxAge }
        return old.map { ($0, $0.pending) }
    }

    /// Keeps only the sinks that still exist (a reload removed some).
    public mutating func retain(sinks: Set<String>) {
        for k in entries.indices { entries[k].pending.removeAll { !sinks.contains($0) } }
        entries.removeAll { $0.pending.isEmpty }
        standing.retain(sinks: sinks)
        episodes.retain(sinks: sinks)
    }

    enum CodingKeys: String, CodingKey {
        case entries, standing, episodes
        case nextSeq = "next_seq"
    }
}
