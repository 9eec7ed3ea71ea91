import StatusdParse
/// What became of each firing episode's notifications: which sinks got its firing, which wait to
/// be escalated to (`after:`), and whether someone acknowledged it (`statusd ack`).
///
/// Pure and `Codable`: it rides in the outbox, saved in the same atomic write as the alert states
/// and the queued notifications, so an escalation due during a restart is sent once after it, and
/// one already queued is not queued again. It answers each event with what to do:
/// - a firing: the sinks to queue it for now (the rest wait for their `after`);
/// - a second passing: the escalations now due, to queue, or to drop (resolved, silenced, in
///   maintenance, acknowledged);
/// - a reminder or resolved notice: the sinks that got the firing (and only those), or nothing
///   for a reminder of an acknowledged episode;
/// - an acknowledgement: recorded, or refused.
public struct AlertEpisodes: Codable, Sendable, Equatable {
    /// "I am on it": stops reminders and escalation for the rest of the episode.
    public struct Acknowledgement: Codable, Sendable, Equatable {
        public var at: Int64
        public var reason: String?
    }

    /// A sink that gets the episode's firing only at `due`, if it still fires unmuted then.
    public struct Waiting: Codable, Sendable, Equatable {
        public var sink: String
        public var due: Int64
        public var after: Int64
    }

    public struct Episode: Codable, Sendable, Equatable {
        public var alertID: String
        public var rule: String
        public var group: String?
        public var track: String?
        /// Sinks its firing was queued for; nil when not known (an episode older than this record).
        public var got: [String]?
        public var waiting: [Waiting] = []
        /// The firing notification, kept while escalations wait, to queue for them.
        public var firing: AlertTransition?
        public var ack: Acknowledgement?

        enum CodingKeys: String, CodingKey {
            case alertID = "alert_id", rule, group, track, got, waiting, firing, ack
        }
    }

    /// What a due escalation comes to.
    public enum Escalation: Sendable, Equatable {
        /// Queue `transition` (the firing, marked escalated) for `sinks`.
        case send(AlertTransition, sinks: [String])
        /// Not sent, and why.
        case drop(alertID: String, sinks: [String], why: String)
    }

    /// Where a reminder or resolved notice goes.
    public enum FollowUp: Sendable, Equatable {
        /// To these sinks (nil: wherever routing says).
        case send(sinks: [String]?, ack: Acknowledgement?)
        /// Not at all: a reminder of an acknowledged episode.
        case mute(why: String)
    }

    public private(set) var episodes: [Episode] = []

    /// Episodes kept at most (the oldest are forgotten first).
    public static let maxEpisodes = 10_000
    /// The longest reason kept with an acknowledgement.
    public static let maxReasonBytes = 500

    public init() {}

    /// The episode `alertID`, if recorded.
    public func episode(_ alertID: String) -> Episode? { episodes.first { $0.alertID == alertID } }

    /// An episode's first firing passed every gate: `route` is where routing sends it, each sink
    /// with its `after`. Returns the sinks to queue it for now; the others wait.
    public mutating func fired(_ t: AlertTransition, route: [(sink: String, after: Int64)], now: Int64) -> [String] {
        guard let id = t.alertID else { return route.map(\.sink) }
        let now_ = route.filter { $0.after <= 0 }.map(\.sink)
        var e = Episode(alertID: id, rule: t.rule, group: t.group, track: t.track, got: now_)
        // Due from when it fired (its event second), so a backlog read late escalates at once.
        let firedAt = t.firedAt ?? t.at
        e.waiting = route.filter { $0.after > 0 }.map { Waiting(sink: $0.sink, due: firedAt + $0.after, after: $0.after) }
        if !e.waiting.isEmpty { e.firing = t }
        episodes.removeAll { $0.alertID == id }
        episodes.append(e)
        if episodes.count > Self.maxEpisodes { episodes.removeFirst(episodes.count - Self.maxEpisodes) }
        return now_
    }

    /// A reminder (`repeat`, `flapping`) of the episode: to the sinks that got its firing, or
    /// muted when it is a reminder of an acknowledged episode.
    public func followUp(_ t: AlertTransition) -> FollowUp {
        guard let id = t.alertID, let e = episode(id) else { return .send(sinks: nil, ack: nil) }
        if t.notice == .repeat, let ack = e.ack { return .mute(why: "acknowledged at \(CivilTime.iso8601(ack.at))") }
        return .send(sinks: e.got, ack: e.ack)
    }

    /// The episode resolved: its resolved notice goes to the sinks that got the firing, with the
    /// acknowledgement; the episode is forgotten, and so are its waiting escalations.
    public mutating func resolved(_ t: AlertTransition) -> FollowUp {
        guard let id = t.alertID, let k = episodes.firstIndex(where: { $0.alertID == id }) else { return .send(sinks: nil, ack: nil) }
        let e = episodes.remove(at: k)
        return .send(sinks: e.got, ack: e.ack)
    }

    /// The earliest escalation due.
    public var nextDue: Int64? { episodes.flatMap(\.waiting).map(\.due).min() }

    /// Escalations due at `now`. `blocked` says why an episode must not escalate now (no longer
    /// firing, silenced, in maintenance), or nil; an acknowledged episode never escalates.
    public mutating func due(now: Int64, blocked: (Episode) -> String?) -> [Escalation] {
        var out: [Escalation] = []
        for k in episodes.indices {
            let ready = episodes[k].waiting.filter { $0.due <= now }
            guard !ready.isEmpty else { continue }
            episodes[k].waiting.removeAll { $0.due <= now }
            let e = episodes[k]
            let sinks = ready.map(\.sink)
            if let ack = e.ack {
                out.append(.drop(alertID: e.alertID, sinks: sinks, why: "acknowledged at \(CivilTime.iso8601(ack.at))"))
            } else if let why = blocked(e) {
                out.append(.drop(alertID: e.alertID, sinks: sinks, why: why))
            } else if var t = e.firing {
                t.escalatedAfter = ready.map(\.after).min()
                t.seenAt = now
                episodes[k].got = (e.got ?? []) + sinks
                out.append(.send(t, sinks: sinks))
            }
            if episodes[k].waiting.isEmpty { episodes[k].firing = nil }
        }
        return out
    }

    /// Records an acknowledgement of firing episode `alertID` (`firing`: whether it fires now).
    public mutating func acknowledge(_ alertID: String, reason: String?, firing: Bool, rule: String, group: String?, track: String?, now: Int64) throws(AckError) -> Episode {
        guard firing else { throw .notFiring(alertID) }
        let r = reason?.trimmingSpaces()
        if let r, r.utf8.count > Self.maxReasonBytes { throw .tooLong(Self.maxReasonBytes) }
        let ack = Acknowledgement(at: now, reason: (r?.isEmpty ?? true) ? nil : r)
        if let k = episodes.firstIndex(where: { $0.alertID == alertID }) {
            if episodes[k].ack != nil { throw .already(alertID) }
            episodes[k].ack = ack
            return episodes[k]
        }
        var e = Episode(alertID: alertID, rule: rule, group: group, track: track, got: nil)
        e.ack = ack
        episodes.append(e)
        if episodes.count > Self.maxEpisodes { episodes.removeFirst(episodes.count - Self.maxEpisodes) }
        return e
    }

    /// Forgets sinks a reload removed, and episodes no longer firing (`firing`: the alert ids firing now).
    public mutating func retain(sinks: Set<String>) {
        for k in episodes.indices {
            episodes[k].got = episodes[k].got?.filter { sinks.contains($0) }
            episodes[k].waiting.removeAll { !sinks.contains($0.sink) }
            if episodes[k].waiting.isEmpty { episodes[k].firing = nil }
        }
    }

    /// Forgets episodes that no longer fire (a reload removed their rule, a lost resolution).
    public mutating func retain(firing: Set<String>) {
        episodes.removeAll { !firing.contains($0.alertID) }
    }
}

/// Why an acknowledgement was refused.
public enum AckError: Error, Equatable, CustomStringConvertible {
    case notFiring(String)
    case already(String)
    case tooLong(Int)
    case badID(String)

    public var description: String {
        switch self {
        case .notFiring(let id): return "no firing alert `\(SafeText.field(id))` (statusd status lists each firing alert's alert_id)"
        case .already(let id): return "alert `\(SafeText.field(id))` is acknowledged already"
        case .tooLong(let max): return "the reason is longer than \(max) bytes"
        case .badID(let why): return why
        }
    }
}

/// What `statusd ack` sends to the daemon (`POST /ack`).
public struct AckRequest: Codable, Sendable, Equatable {
    public var alertID: String
    public var reason: String?

    public init(alertID: String, reason: String?) {
        self.alertID = alertID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", reason
    }
}

/// The daemon's answer to an acknowledgement.
public struct AckReport: Codable, Sendable, Equatable {
    public var alertID: String
    public var at: String
    public var reason: String?
    /// Escalations it stopped (sinks that will not be told).
    public var stoppedEscalations: [String]

    public init(_ e: AlertEpisodes.Episode) {
        alertID = e.alertID
        at = CivilTime.iso8601(e.ack?.at ?? 0)
        reason = e.ack?.reason
        stoppedEscalations = e.waiting.map(\.sink)
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", at, reason
        case stoppedEscalations = "stopped_escalations"
    }
}
