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

    public init(
        version: String, pid: Int32, startedAt: String, uptimeSeconds: Int64, config: String,
        configLoadedAt: String, lastReloadError: String?, inputs: [InputReport], rules: [RuleReport],
        sinks: [SinkReport] = [], transitions: [TransitionReport] = []
    ) {
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
        case version, pid, config, inputs, rules, sinks, transitions
        case startedAt = "started_at", uptimeSeconds = "uptime_seconds"
        case configLoadedAt = "config_loaded_at", lastReloadError = "last_reload_error"
    }

    /// Monitoring-plugin exit code: 0 all ok, 1 a warning firing or a sink failing to deliver,
    /// 2 a critical firing.
    public var exitCode: Int32 {
        let firing = rules.filter { $0.state == .firing }
        if firing.contains(where: { $0.severity == .critical }) { return 2 }
        if !firing.isEmpty || sinks.contains(where: { $0.state != "ok" }) { return 1 }
        return 0
    }
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

    public init(path: String, state: String, offset: UInt64, size: UInt64, error: String? = nil, detectedFormat: String? = nil) {
        self.detectedFormat = detectedFormat
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
    }
}

public struct RuleReport: Codable, Sendable, Equatable {
    public var name: String
    /// The condition's kind (`rate`).
    public var condition: String
    public var match: String
    public var severity: Severity
    public var state: AlertPhase
    public var since: String?
    public var rate: Double
    public var limit: Double
    public var resolveBelow: Double
    public var matched: UInt64
    public var requests: UInt64
    public var minRequests: UInt64
    public var windowSeconds: Int64
    public var forSeconds: Int64
    public var inputs: [String]

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

    enum CodingKeys: String, CodingKey {
        case name, condition, match, severity, state, since, rate, limit, matched, requests, inputs
        case resolveBelow = "resolve_below", minRequests = "min_requests"
        case windowSeconds = "window_seconds", forSeconds = "for_seconds"
    }
}
