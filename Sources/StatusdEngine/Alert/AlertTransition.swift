import StatusdParse
/// A rule changed phase: everything a sink needs to tell a person, and nothing secret.
///
/// Firing and resolved transitions carry the identity of their episode (`alertID`: rule, group
/// and first firing time) and their number in it (`sequence`), so a retried delivery can be told
/// from a new alert. `at` is the event second the transition belongs to; `seenAt` is when statusd
/// evaluated it: far apart for a backlog read after a restart (`late`).
public struct AlertTransition: Sendable, Equatable, Codable {
    /// The episode: `server-errors@1795169110` (rule, then the Unix second it first fired).
    public var alertID: String?
    /// The notification's number in its episode: 1 for the firing, then 2 for the resolved notice.
    public var sequence: Int?
    public var rule: String
    /// The group value for rules that run per group (virtual host, path); nil otherwise.
    public var group: String?
    public var kind: AlertTransitionKind
    /// For firing notifications after the first of an episode: a `repeat` reminder, or `flapping`.
    public var notice: AlertNotice?
    /// The alert's track within its rule: an SLO's `page` or `ticket`; nil for single-track rules.
    public var track: String?
    /// What fired, for people: which burn-rate pair and the error budget left, the baseline of a
    /// spike or flatline. Nil for plain rate and count rules.
    public var detail: String?
    /// An SLO's error budget left over its period (1 untouched, 0 spent).
    public var budgetLeft: Double?
    /// The firing rule that inhibits this alert's episode (`inhibits`): it is not sent.
    public var inhibitedBy: String?
    /// The transition's severity: the rule's, or the SLO pair's (page: critical, ticket: warning).
    public var severity: Severity
    /// The condition's kind (`rate`).
    public var condition: String
    /// The configured match, as written (`5xx`, `52x`, `aborts`, `502,503`).
    public var match: String
    public var rate: Double
    public var limit: Double
    public var resolveBelow: Double
    public var matched: UInt64
    public var total: UInt64
    public var windowSeconds: Int64
    public var inputs: [String]
    /// Matching codes in the window, most frequent first.
    public var codes: [CodeShare]
    /// The event second the transition belongs to (Unix seconds).
    public var at: Int64
    /// When statusd evaluated it (Unix seconds; the log's own clock in replay).
    public var seenAt: Int64
    /// When the episode began firing (for resolved notices: how long it lasted).
    public var firedAt: Int64?
    public var peakRate: Double
    /// Sinks it goes to; nil for every sink that takes its severity.
    public var sinks: [String]?
    /// Firing and pending: the top paths and hosts behind the matching codes (most frequent first),
    /// and per shown code; nil when the lines carry none.
    public var topPaths: [LabelCount]?
    public var topHosts: [LabelCount]?
    public var byCode: [CodeLabels]?
    /// The rule's `runbook` template, as written (rendered per message, like a sink's `link`).
    public var runbook: String?
    /// Set on a firing sent to an escalation sink (`after:`): how long it had fired by then.
    public var escalatedAfter: Int64?
    /// Set on the notices after `statusd ack`: when, and why (untrusted text, cleaned where shown).
    public var acknowledgedAt: Int64?
    public var ackReason: String?

    /// A transition seen this long after its second is `late`: a backlog, not live traffic.
    public static let lateAfterSeconds: Int64 = 30

    public init(
        rule: Rule, kind: AlertTransitionKind, reading: RuleReading, inputs: [String], at: Int64, seenAt: Int64? = nil,
        state: AlertState, firedAt: Int64?, group: String? = nil, track: String? = nil, notice: AlertNotice? = nil
    ) {
        self.rule = rule.name
        self.group = group
        self.kind = kind
        self.notice = notice
        self.track = track
        self.detail = reading.detail
        self.budgetLeft = reading.budgetLeft
        self.severity = reading.severity ?? rule.severity
        self.condition = rule.condition.kind
        self.match = rule.match.description
        self.rate = reading.value
        self.limit = reading.limit
        self.resolveBelow = reading.resolveLimit
        self.matched = reading.sum.matched
        self.total = reading.sum.total
        self.windowSeconds = reading.windowSeconds > 0 ? reading.windowSeconds : rule.window
        self.inputs = inputs
        self.codes = reading.sum.sortedCodes.map { CodeShare(code: $0.code, count: $0.count) }
        self.at = at
        self.seenAt = seenAt ?? at
        self.firedAt = firedAt
        self.peakRate = state.peakRate
        self.sinks = rule.sinks
        self.runbook = rule.runbook?.template
        if kind.notifies, let fired = firedAt {
            alertID = AlertTransition.alertID(rule: rule.name, group: group, track: track, firedAt: fired)
            sequence = state.sequence
        }
    }

    /// A rate transition from one window sum (tests and tools).
    public init(
        rule: Rule, kind: AlertTransitionKind, sum: WindowSum, inputs: [String], at: Int64, firedAt: Int64?, peakRate: Double
    ) {
        self.init(rule: rule, kind: kind, reading: rule.condition.evaluate([sum]), inputs: inputs, at: at,
                  state: AlertState(), firedAt: firedAt)
        self.peakRate = peakRate
        if kind.notifies, let fired = firedAt {
            alertID = AlertTransition.alertID(rule: rule.name, group: nil, firedAt: fired)
            sequence = kind == .firing ? 1 : 2
        }
    }

    /// `server-errors@1795169110`, `server-errors[shop]@...`, `availability/page@...`.
    public static func alertID(rule: String, group: String?, track: String? = nil, firedAt: Int64) -> String {
        AlertKey.name(rule: rule, group: group, track: track) + "@\(firedAt)"
    }

    /// `true` when evaluated well after its second (a backlog after a restart or a slow disk).
    public var late: Bool { seenAt - at > Self.lateAfterSeconds }

    /// The key a receiver deduplicates on: the episode and the notification's number.
    public var idempotencyKey: String? {
        guard let alertID, let sequence else { return nil }
        return "\(alertID)/\(sequence)"
    }

    /// `502:120,503:26`
    public var codesField: String {
        codes.map { "\($0.code):\($0.count)" }.joined(separator: ",")
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", sequence, rule, group, kind, notice, track, detail, severity, condition, match, rate, limit
        case budgetLeft = "budget_left", inhibitedBy = "inhibited_by"
        case resolveBelow = "resolve_below", matched, total, windowSeconds = "window_seconds", inputs, codes, at
        case seenAt = "seen_at", firedAt = "fired_at", peakRate = "peak_rate", sinks
        case topPaths = "top_paths", topHosts = "top_hosts", byCode = "by_code"
        case escalatedAfter = "escalated_after", acknowledgedAt = "acknowledged_at", ackReason = "ack_reason"
        case runbook
    }
}

/// The name of one alert of a rule: the rule, its group value and track.
public enum AlertKey {
    /// `rule`, `rule[group]`, `rule/track`, `rule[group]/track`: the key of its state in a checkpoint.
    public static func name(rule: String, group: String?, track: String?) -> String {
        var s = rule
        if let group { s += "[\(group)]" }
        if let track { s += "/\(track)" }
        return s
    }
}

/// One status code and how many requests had it.
public struct CodeShare: Sendable, Equatable, Codable {
    public var code: StatusCode
    public var count: UInt64
}

extension StatusCode: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let v = try c.decode(Int.self)
        guard let code = StatusCode(v) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "status code out of range: \(v)")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Int(rawValue))
    }
}
