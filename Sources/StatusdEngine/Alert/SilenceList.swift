import StatusdParse
/// The silences in force, and the episodes they kept quiet.
///
/// Pure so the rules (what covers what, what expires, what a request may ask) are tested without a
/// daemon; the daemon keeps one in the state directory and consults it before queueing a
/// notification. `quietEpisodes` remembers firing notifications a silence swallowed, so their
/// resolved notice is swallowed too even when the silence has ended by then: nobody is told an
/// alert resolved that they were never told fired.
public struct SilenceList: Codable, Sendable, Equatable {
    public private(set) var silences: [Silence] = []
    /// Alert ids (episodes) whose firing was silenced and whose resolved notice is still to come.
    public private(set) var quietEpisodes: [String] = []

    /// The longest silence one request may ask for: a month, then it must be renewed.
    public static let maxSeconds: Int64 = 30 * 86_400
    /// Bounds on the reason and the group, so the file and status stay small.
    public static let maxReasonBytes = 500
    public static let maxGroupBytes = 200

    public init(silences: [Silence] = [], quietEpisodes: [String] = []) {
        self.silences = silences
        self.quietEpisodes = quietEpisodes
    }

    /// Silences still in force at `now`, soonest to end first.
    public func active(at now: Int64) -> [Silence] {
        silences.filter { $0.isActive(at: now) }.sorted { ($0.until, $0.id) < ($1.until, $1.id) }
    }

    /// Silences in force or scheduled at `now` (`silence add --start`), soonest to start, then to end, first.
    public func pending(at now: Int64) -> [Silence] {
        silences.filter { $0.isPending(at: now) }.sorted { ($0.start ?? 0, $0.until, $0.id) < ($1.start ?? 0, $1.until, $1.id) }
    }

    /// The longest a silence may be scheduled ahead.
    public static let maxLeadSeconds: Int64 = 365 * 86_400

    /// The first silence covering `rule`/`group` at `now`.
    public func covering(rule: String, group: String?, at now: Int64) -> Silence? {
        silences.first { $0.covers(rule: rule, group: group, at: now) }
    }

    /// Checks a request against the rules in force and adds it.
    public mutating func add(_ request: SilenceRequest, rules: [String], id: String, now: Int64) throws(SilenceError) -> Silence {
        guard rules.contains(request.rule) else { throw .unknownRule(request.rule, known: rules) }
        guard request.forSeconds > 0, request.forSeconds <= Self.maxSeconds else { throw .badDuration(request.forSeconds) }
        let reason = request.reason.trimmingSpaces()
        guard !reason.isEmpty else { throw .noReason }
        guard reason.utf8.count <= Self.maxReasonBytes else { throw .tooLong("reason", Self.maxReasonBytes) }
        if let g = request.group, g.isEmpty || g.utf8.count > Self.maxGroupBytes { throw .tooLong("group", Self.maxGroupBytes) }
        guard !silences.contains(where: { $0.id == id }) else { throw .duplicateID(id) }
        // A scheduled silence (`--start`): a start already past begins now.
        var start: Int64?
        if let s = request.start, s > now {
            guard s - now <= Self.maxLeadSeconds else { throw .badStart(s - now) }
            start = s
        }
        var s = Silence(id: id, rule: request.rule, group: request.group, until: (start ?? now) + request.forSeconds, reason: reason, createdAt: now)
        s.start = start
        silences.append(s)
        return s
    }

    /// Removes silence `id`; nil when there is none.
    @discardableResult
    public mutating func remove(id: String) -> Silence? {
        guard let i = silences.firstIndex(where: { $0.id == id }) else { return nil }
        return silences.remove(at: i)
    }

    /// Drops silences that have ended; `true` when any was.
    @discardableResult
    public mutating func prune(at now: Int64) -> Bool {
        let before = silences.count
        silences.removeAll { !$0.isPending(at: now) }
        return silences.count != before
    }

    /// Whether a notification is kept quiet: its alert is covered by a silence now, or it is the
    /// resolved notice of an episode whose firing was. Records and forgets episodes as it goes.
    /// `also`: a silence from elsewhere that covers the alert now (a maintenance window).
    public mutating func swallows(rule: String, group: String?, alertID: String?, kind: AlertTransitionKind, at now: Int64, also: Silence? = nil) -> Silence? {
        let silence = covering(rule: rule, group: group, at: now) ?? also
        let wasQuiet = alertID.map { quietEpisodes.contains($0) } ?? false
        switch kind {
        case .firing:
            if silence != nil, let id = alertID, !wasQuiet {
                quietEpisodes.append(id)
                if quietEpisodes.count > 1000 { quietEpisodes.removeFirst(quietEpisodes.count - 1000) }
            }
        case .resolved:
            if wasQuiet, let id = alertID {
                quietEpisodes.removeAll { $0 == id }
                return silence ?? Silence(id: "-", rule: rule, group: group, until: now, reason: "its firing was silenced", createdAt: now)
            }
        case .pending, .cleared:
            break
        }
        return silence
    }

    enum CodingKeys: String, CodingKey {
        case silences
        case quietEpisodes = "quiet_episodes"
    }
}

/// What `statusd silence add` sends to the daemon (`POST /silences`).
public struct SilenceRequest: Codable, Sendable, Equatable {
    public var rule: String
    public var group: String?
    public var forSeconds: Int64
    public var reason: String
    /// Unix second it starts (`--start`); nil: now.
    public var start: Int64?

    public init(rule: String, group: String? = nil, forSeconds: Int64, reason: String, start: Int64? = nil) {
        self.rule = rule
        self.group = group
        self.forSeconds = forSeconds
        self.reason = reason
        self.start = start
    }

    enum CodingKeys: String, CodingKey {
        case rule, group, reason, start
        case forSeconds = "for_seconds"
    }
}

/// Why a silence was refused, in words for the person who asked.
public enum SilenceError: Error, Equatable, CustomStringConvertible {
    case unknownRule(String, known: [String])
    case badDuration(Int64)
    case noReason
    case tooLong(String, Int)
    case duplicateID(String)
    case badGroup(String)
    case tooMany(Int)
    case badStart(Int64)

    public var description: String {
        switch self {
        case .unknownRule(let r, let known): return "no rule named `\(SafeText.field(r))`; rules: \(known.joined(separator: ", "))"
        case .badDuration(let s): return "--for must be between 1s and \(DurationText.format(SilenceList.maxSeconds)), not \(s)s"
        case .noReason: return "a silence needs a --reason (who, why: the next person on call reads it)"
        case .tooLong(let what, let max): return "\(what) is empty or longer than \(max) bytes"
        case .duplicateID(let id): return "silence id \(id) is taken; try again"
        case .badGroup(let why): return why
        case .badStart(let ahead): return "--start is \(DurationText.format(ahead)) ahead: at most \(DurationText.format(SilenceList.maxLeadSeconds))"
        case .tooMany(let max): return "\(max) silences are in force already: remove some (statusd silence remove ID) or wait for them to end"
        }
    }
}
