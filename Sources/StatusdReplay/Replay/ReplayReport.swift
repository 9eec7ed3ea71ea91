import StatusdParse
import StatusdEngine
/// What `statusd replay --json` prints: a stable, documented document.
public struct ReplayReport: Codable, Sendable {
    public struct File: Codable, Sendable {
        public var path: String
        public var format: String
        /// With `auto`: what was detected.
        public var detectedFormat: String?
        public var lines: UInt64

        public init(path: String, format: String, detectedFormat: String?, lines: UInt64) {
            self.path = path
            self.format = format
            self.detectedFormat = detectedFormat
            self.lines = lines
        }

        enum CodingKeys: String, CodingKey {
            case path, format, lines
            case detectedFormat = "detected_format"
        }
    }

    public struct RuleSummary: Codable, Sendable {
        public var name: String
        public var match: String
        /// The condition's kind: rate, count, no_traffic, spike, slo.
        public var condition: String
        /// The rate limit of a rate rule (0 for other kinds).
        public var rateAbove: Double
        public var windowSeconds: Int64
        public var stateAtEnd: AlertPhase

        enum CodingKeys: String, CodingKey {
            case name, match, condition
            case rateAbove = "rate_above", windowSeconds = "window_seconds", stateAtEnd = "state_at_end"
        }
    }

    public struct Transition: Codable, Sendable {
        public var rule: String
        public var severity: Severity
        /// The episode, for firing and resolved transitions.
        public var alertID: String?
        /// pending, cleared, firing or resolved.
        public var event: AlertTransitionKind
        /// For firing notifications after the first: `repeat` (a reminder) or `flapping`.
        public var notice: AlertNotice?
        /// The group value (`group_by`), and the SLO track (`page`, `ticket`).
        public var group: String?
        public var track: String?
        public var at: String
        public var atUnix: Int64
        /// The figure (a rate as a fraction; a count for count rules) and its limit.
        public var rate: Double
        public var limit: Double
        public var matched: UInt64
        public var requests: UInt64
        public var windowSeconds: Int64
        public var codes: [String: UInt64]
        /// Which SLO pair fired and the error budget left; a spike's or flatline's baseline.
        public var detail: String?
        public var budgetLeft: Double?
        /// The firing rule that kept this alert from being sent.
        public var inhibitedBy: String?

        enum CodingKeys: String, CodingKey {
            case rule, severity, event, notice, group, track, at, rate, limit, matched, requests, codes, detail
            case atUnix = "at_unix", alertID = "alert_id", windowSeconds = "window_seconds", budgetLeft = "budget_left"
            case inhibitedBy = "inhibited_by"
        }
    }

    public var files: [File]
    public var lines: UInt64
    /// `1xx`..`5xx`, `52x`, `aborts`, `other`, `unparsed` as in `statusd status`.
    public var counts: ClassView
    /// Every code seen: `"200"`, `"000"`.
    public var codes: [String: UInt64]
    public var ignored: UInt64
    public var linesWithoutTime: UInt64
    public var tooLate: UInt64
    public var firstTime: String?
    public var lastTime: String?
    public var rules: [RuleSummary]
    public var timeline: [Transition]

    enum CodingKeys: String, CodingKey {
        case files, lines, counts, codes, ignored, rules, timeline
        case linesWithoutTime = "lines_without_time", tooLate = "too_late"
        case firstTime = "first_time", lastTime = "last_time"
    }

    public init(session: ReplaySession, files: [File]) {
        self.files = files
        let totals = session.tally.totals
        lines = session.lines
        counts = totals.classView
        var codes: [String: UInt64] = [:]
        for (code, n) in totals.nonZero { codes[code.description] = n }
        self.codes = codes
        ignored = totals.ignored
        linesWithoutTime = session.linesWithoutTime
        tooLate = session.tally.tooLate
        firstTime = session.firstTime.map(CivilTime.iso8601)
        lastTime = session.watermark.map(CivilTime.iso8601)
        rules = session.rules.map {
            RuleSummary(name: $0.name, match: $0.match.description, condition: $0.condition.kind, rateAbove: $0.rateAbove,
                        windowSeconds: $0.window, stateAtEnd: session.states[$0.name]?.phase ?? .ok)
        }
        timeline = session.timeline.map { e in
            var codes: [String: UInt64] = [:]
            for c in e.codes { codes[c.code.description] = c.count }
            return Transition(rule: e.rule, severity: e.severity, alertID: e.alertID, event: e.kind, notice: e.notice,
                              group: e.group, track: e.track, at: CivilTime.iso8601(e.at), atUnix: e.at, rate: e.rate,
                              limit: e.limit, matched: e.matched, requests: e.total, windowSeconds: e.windowSeconds, codes: codes,
                              detail: e.detail, budgetLeft: e.budgetLeft, inhibitedBy: e.inhibitedBy)
        }
    }

    public func renderText() -> String {
        var out: [String] = []
        for f in files {
            out.append("\(f.path): \(f.format)\(f.detectedFormat.map { " (detected \($0))" } ?? ""), \(Count.format(f.lines)) lines")
        }
        let c = counts
        out.append("")
        out.append("\(Count.format(lines)) lines from \(firstTime ?? "?") to \(lastTime ?? "?")")
        out.append("1xx \(Count.format(c.c1xx))  2xx \(Count.format(c.c2xx))  3xx \(Count.format(c.c3xx))  4xx \(Count.format(c.c4xx))  5xx \(Count.format(c.c5xx))  |  52x \(Count.format(c.c52x))  aborts \(Count.format(c.aborts))  other \(Count.format(c.other))  unparsed \(Count.format(c.unparsed))  ignored \(Count.format(ignored))")
        let top = codes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12)
        out.append("codes: " + top.map { "\($0.key) \(Count.format($0.value))" }.joined(separator: ", "))
        out.append("")
        if timeline.isEmpty {
            out.append("no rule left ok (\(rules.map(\.name).joined(separator: ", ")))")
        } else {
            out.append("timeline")
            for t in timeline {
                var name = t.rule
                if let g = t.group { name += "[\(g)]" }
                if let k = t.track { name += "/\(k)" }
                let event = t.notice.map { $0.rawValue } ?? t.event.rawValue
                var line = "  \(t.at)  \(name) \(event): \(Percent.format(t.rate)) (\(Count.format(t.matched)) of \(Count.format(t.requests))) [\(t.severity.rawValue)]"
                if let d = t.detail { line += "; \(d)" }
                if let by = t.inhibitedBy { line += " (inhibited by \(by))" }
                out.append(line)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
