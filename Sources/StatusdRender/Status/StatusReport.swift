import StatusdParse
import StatusdEngine
/// What `statusd status` shows: the daemon's health at a glance. Encoded as the status socket's JSON.
///
/// Holds no secret: paths, counts, rules and states only.
public struct StatusReport: Codable, Sendable, Equatable {
    public var version: String
    public var pid: Int32
    public var startedAt: String
    public var uptimeSeconds: Int64
    public var config: String
    public var configLoadedAt: String
    /// The last reload's error, kept until a reload succeeds.
    public var lastReloadError: String?
    public var inputs: [InputReport]
    public var rules: [RuleReport]
    /// Where alerts go, and what waits for each sink.
    public var sinks: [SinkReport]
    /// The latest transitions of every rule, oldest first (a bounded list).
    public var transitions: [TransitionReport]
    /// Silences in force (`statusd silence add`), soonest to end first.
    public var silences: [SilenceReport]?
    /// statusd's own degradations (`health`); nil from a daemon that predates it.
    public var health: HealthReport?
    /// Wall-clock steps seen and re-anchored (`ClockReport`); nil when none.
    public var clock: ClockReport?
    /// Maintenance windows (`maintenance:`): in force, and their next stretches; nil when none.
    public var maintenance: [MaintenanceReport]?

    public init(
        version: String, pid: Int32, startedAt: String, uptimeSeconds: Int64, config: String,
        configLoadedAt: String, lastReloadError: String?, inputs: [InputReport], rules: [RuleReport],
        sinks: [SinkReport] = [], transitions: [TransitionReport] = [], silences: [SilenceReport]? = nil,
        health: HealthReport? = nil
    ) {
        self.health = health
        self.silences = silences
        self.sinks = sinks
        self.transitions = transitions
        self.version = version
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.config = config
        self.configLoadedAt = configLoadedAt
        self.lastReloadError = lastReloadError
        self.inputs = inputs
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey {
        case version, pid, config, inputs, rules, sinks, transitions, silences, health
        case clock, maintenance
        case startedAt = "started_at", uptimeSeconds = "uptime_seconds"
        case configLoadedAt = "config_loaded_at", lastReloadError = "last_reload_error"
    }

    /// Monitoring-plugin exit code: 0 all ok, 1 a warning firing, a sink failing to deliver or
    /// statusd degraded (`health`), 2 a critical firing.
    public var exitCode: Int32 {
        let firing = rules.filter { $0.state == .firing }
        if firing.contains(where: { $0.severity == .critical }) { return 2 }
        // A sink fails to deliver when notifications wait for it (a `retrying` sink with none
        // queued has given them up: `health` lists that for `events_for`), or it is disabled.
        let failing = sinks.contains { $0.state == "disabled" || ($0.state != "ok" && $0.queued > 0) }
        if !firing.isEmpty || failing || isDegraded { return 1 }
        return 0
    }

    /// statusd itself is degraded: `health` lists why.
    public var isDegraded: Bool { health?.isDegraded ?? false }
}

public struct InputReport: Codable, Sendable, Equatable {
    public var name: String
    public var format: String
    /// The configured paths or globs.
    public var paths: [String]
    public var files: [FileReport]
    /// Lines read since start (including unparsed and ignored ones).
    public var lines: UInt64
    public var linesPerSecond: Double
    /// Bytes written to the files that statusd has not read yet.
    public var bytesBehind: UInt64
    public var counts: ClassView
    /// Every code seen, `"200"`, `"000"`, with its count.
    public var codes: [String: UInt64]
    /// Lines whose time was older than the window when read.
    public var tooLate: UInt64
    /// Lines whose time was beyond `max_skew` from the clock, counted at arrival.
    public var outOfRange: UInt64
    /// Files that match but have no descriptor yet (the open-file limit): followed, their offsets
    /// kept, read in turn; a degradation while above 0. Always set by the daemon.
    public var waitingFiles: Int?
    /// The first `WaitingFileReport.listed` of them, by path.
    public var waiting: [WaitingFileReport]?
    /// Where its lines come from: `file`, `journal`, `syslog` or `kubernetes`.
    public var source: String?
    /// `kubernetes:` inputs: the pods it takes (`namespace=ingress-nginx container=controller`).
    public var kubernetes: String?
    /// The container envelope it was told to take off (`wrapper:`; `cri` by default for
    /// `kubernetes:`); each file's `wrapper` says what was found.
    public var wrapper: String?

    public init(
        name: String, format: String, paths: [String], files: [FileReport], totals: StatusCounts,
        linesPerSecond: Double, tooLate: UInt64, outOfRange: UInt64
    ) {
        self.name = name
        self.format = format
        self.paths = paths
        self.files = files
        self.lines = totals.lines
        self.linesPerSecond = linesPerSecond
        self.bytesBehind = files.reduce(0) { $0 + $1.bytesBehind }
        self.counts = totals.classView
        var codes: [String: UInt64] = [:]
        for (code, count) in totals.nonZero { codes[code.description] = count }
        self.codes = codes
        self.tooLate = tooLate
        self.outOfRange = outOfRange
    }

    enum CodingKeys: String, CodingKey {
        case name, format, paths, files, lines, counts, codes
        case linesPerSecond = "lines_per_second", bytesBehind = "bytes_behind"
        case tooLate = "too_late", outOfRange = "out_of_range"
        case waitingFiles = "waiting_files", waiting
        case source, kubernetes, wrapper
    }
}

/// A file that cannot be opened yet: why, and since when.
public struct WaitingFileReport: Codable, Sendable, Equatable {
    /// At most this many are listed per input; `waiting_files` counts them all.
    public static let listed = 20
    public var path: String
    public var error: String
    /// ISO 8601.
    public var since: String

    public init(path: String, error: String, since: String) {
        self.path = path
        self.error = error
        self.since = since
    }
}

public struct FileReport: Codable, Sendable, Equatable {
    public var path: String
    /// `reading`, `draining` (rotated away, read until it stops growing), or `error`.
    public var state: String
    public var offset: UInt64
    public var size: UInt64
    public var bytesBehind: UInt64
    public var error: String?
    /// With `format: auto`: the format chosen for this file.
    public var detectedFormat: String?
    /// With `format: auto`: the shape within that format when it is not the format's plain one
    /// (`quoted fields before the time`, `IIS default fields, no header`).
    public var detectedShape: String?
    /// With `wrapper:`: the container runtime's envelope this file's lines carry (`cri`, `docker`,
    /// or `none` when `auto` found neither).
    public var wrapper: String?
    /// `file`, `kubernetes` (a pod's container log), `journal` or `syslog`.
    public var source: String?
    /// Where reading stands, in the source's own terms: `offset 1234` (a file), the journal's
    /// cursor, or when the last datagram came (syslog).
    public var position: String?
    /// A pod's container log: its pod, namespace and container (`group_by` labels).
    public var pod: String?
    public var namespace: String?
    public var container: String?
    /// journald: the cursor of the last entry read (what a restart resumes after).
    public var cursor: String?
    /// syslog: when the last datagram for this input came (ISO 8601); nil before the first.
    public var lastDatagramAt: String?

    public init(path: String, state: String, offset: UInt64, size: UInt64, error: String? = nil, detectedFormat: String? = nil,
                detectedShape: String? = nil, wrapper: String? = nil) {
        self.wrapper = wrapper
        self.detectedFormat = detectedFormat
        self.detectedShape = detectedShape
        self.path = path
        self.state = state
        self.offset = offset
        self.size = size
        self.bytesBehind = size > offset ? size - offset : 0
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case path, state, offset, size, error
        case bytesBehind = "bytes_behind", detectedFormat = "detected_format"
        case detectedShape = "detected_shape", wrapper
        case source, position, pod, namespace, container, cursor
        case lastDatagramAt = "last_datagram_at"
    }
}

public struct RuleReport: Codable, Sendable, Equatable {
    public var name: String
    /// The condition's kind (`rate`, `count`, `no_traffic`, `spike`, `slo`).
    public var condition: String
    public var match: String
    public var severity: Severity
    /// The worst state of its alerts (groups, tracks).
    public var state: AlertPhase
    public var since: String?
    /// The figure of its worst alert (a rate as a fraction, a count), against `limit`.
    public var rate: Double
    public var limit: Double
    public var resolveBelow: Double
    public var matched: UInt64
    public var requests: UInt64
    public var minRequests: UInt64
    public var windowSeconds: Int64
    public var forSeconds: Int64
    public var inputs: [String]
    /// What the worst alert's condition says (SLO pair and budget, spike or flatline baseline).
    public var detail: String?
    /// An SLO's error budget left over its period.
    public var budgetLeft: Double?
    /// Each alert of the rule: one per group value and track.
    public var alerts: [AlertReport]?
    /// Group values beyond `max_groups`, folded into `other`.
    public var foldedGroups: [String]?
    /// The figure over the window, oldest first, one value per `sparkline_step_seconds`.
    public var sparkline: [Double]?
    public var sparklineStepSeconds: Int64?
    /// Set while a seasonal baseline (`same_hour_last_week`) falls back to the plain one for want
    /// of history: what it needs and what it compares with meanwhile.
    public var baselineFallback: String?

    public init(rule: Rule, state: AlertState, sum: WindowSum, inputs: [String]) {
        name = rule.name
        condition = rule.condition.kind
        match = rule.match.description
        severity = rule.severity
        self.state = state.phase
        since = state.since.map(CivilTime.iso8601)
        rate = sum.rate
        limit = rule.rateAbove
        resolveBelow = rule.resolveBelow
        matched = sum.matched
        requests = sum.total
        minRequests = rule.minRequests
        windowSeconds = rule.window
        forSeconds = rule.forSeconds
        self.inputs = inputs
    }

    /// The rule as the monitor has it; `silenced` answers for an alert key whether a silence covers it.
    public init(_ r: MonitoredRule, inputNames: [String], silenced: (String, String?) -> Bool = { _, _ in false }) {
        let worst = r.worst
        self.init(rule: r.rule, state: worst.state, sum: worst.reading.sum, inputs: r.inputs.map { inputNames[$0] })
        rate = worst.reading.value
        limit = worst.reading.limit
        resolveBelow = worst.reading.resolveLimit
        severity = worst.reading.severity ?? r.rule.severity
        detail = worst.reading.detail
        budgetLeft = worst.reading.budgetLeft
        if worst.reading.windowSeconds > 0 { windowSeconds = worst.reading.windowSeconds }
        alerts = r.series.flatMap { s in
            s.tracks.map { t in
                AlertReport(key: t.key, group: s.group, track: t.name, state: t.state, reading: t.reading,
                            severity: t.reading.severity ?? r.rule.severity, silenced: silenced(r.rule.name, s.group))
            }
        }
        foldedGroups = r.folded.isEmpty ? nil : r.folded
        sparkline = r.history.values
        sparklineStepSeconds = r.history.step
        baselineFallback = r.series.lazy.flatMap(\.tracks).compactMap(\.reading.baselineFallback).first
    }

    enum CodingKeys: String, CodingKey {
        case name, condition, match, severity, state, since, rate, limit, matched, requests, inputs, detail, alerts, sparkline
        case resolveBelow = "resolve_below", minRequests = "min_requests", budgetLeft = "budget_left"
        case windowSeconds = "window_seconds", forSeconds = "for_seconds", foldedGroups = "folded_groups"
        case sparklineStepSeconds = "sparkline_step_seconds"
        case baselineFallback = "baseline_fallback"
    }
}

/// One alert of a rule (a group value, a track) in `statusd status`.
public struct AlertReport: Codable, Sendable, Equatable {
    /// `rule`, `rule[group]`, `rule/page`.
    public var key: String
    public var group: String?
    public var track: String?
    public var severity: Severity
    public var state: AlertPhase
    public var since: String?
    public var value: Double
    public var limit: Double
    public var detail: String?
    /// A silence covers it: it sends nothing.
    public var silenced: Bool
    /// A firing rule inhibits its episode: it sends nothing.
    public var inhibitedBy: String?
    /// Held firing as flapping.
    public var flapping: Bool
    /// The firing episode's id (what `statusd ack` takes).
    public var alertID: String?
    /// A maintenance window in force mutes it: its name.
    public var maintenance: String?
    /// `statusd ack`: when, and why.
    public var acknowledgedAt: String?
    public var ackReason: String?
    /// Escalation sinks still waiting for it (`after:`), and when the first is due.
    public var escalation: [String]?
    public var escalationDueAt: String?

    public init(key: String, group: String?, track: String?, state: AlertState, reading: RuleReading, severity: Severity, silenced: Bool) {
        self.key = key
        self.group = group
        self.track = track
        self.severity = severity
        self.state = state.phase
        since = state.since.map(CivilTime.iso8601)
        value = reading.value
        limit = reading.limit
        detail = reading.detail
        self.silenced = silenced
        inhibitedBy = state.phase == .ok ? nil : state.inhibitedBy
        flapping = state.flapping
    }

    enum CodingKeys: String, CodingKey {
        case key, group, track, severity, state, since, value, limit, detail, silenced, flapping, maintenance, escalation
        case inhibitedBy = "inhibited_by", alertID = "alert_id", acknowledgedAt = "acknowledged_at", ackReason = "ack_reason"
        case escalationDueAt = "escalation_due_at"
    }
}
