/// One rule as the monitor evaluates it: the inputs it watches (by position), one series per
/// group (one when the rule is not grouped), and a short history of its figure for sparklines.
public struct MonitoredRule: Sendable {
    public let rule: Rule
    /// Positions of the inputs it watches.
    public let inputs: [Int]
    /// One per group value (`group_by`), or one for the whole rule.
    public internal(set) var series: [RuleSeries]
    /// Group values beyond `max_groups`, counted in the `other` series (the first `foldedShown`).
    public internal(set) var folded: [String]
    public static let foldedShown = 50
    /// The ring length of a label group's own tally (`group_by: [host]`): as an input's.
    let groupRing: Int
    /// The rule's figure (first track of its worst series) sampled over its window, for sparklines.
    public internal(set) var history = SparkHistory()

    init(rule: Rule, inputs: [Int], inputNames: [String], states: [String: AlertState], groupRing: Int = 62) {
        self.rule = rule
        self.inputs = inputs
        self.groupRing = groupRing
        var groups: [(String?, [Int])] = []
        var folded: [String] = []
        if rule.groupsByLabel {
            // Series are created as values appear in lines (`Monitor+Labels.swift`).
        } else if rule.groupBy.contains(.input) {
            let cap = max(1, rule.maxGroups)
            for (n, i) in inputs.enumerated() {
                if n < cap { groups.append((inputNames[i], [i])) } else { folded.append(inputNames[i]) }
            }
            if !folded.isEmpty { groups.append(("other", inputs.filter { !groups.flatMap(\.1).contains($0) })) }
            if groups.isEmpty { groups.append((nil, [])) }
        } else {
            groups.append((nil, inputs))
        }
        self.folded = folded
        series = groups.map { RuleSeries(rule: rule, group: $0.0, inputs: $0.1, states: states) }
        history.step = max(1, rule.window / Int64(SparkHistory.capacity))
    }

    /// The windows of the first series (tests and tools).
    public var sums: [RollingSum] { series.first?.exact ?? [] }

    /// The worst alert state of the rule: firing before pending before ok.
    public var state: AlertState { worst.state }

    /// The reading of the worst alert.
    public var reading: RuleReading { worst.reading }

    /// `reading.value`, read where the worst track is (no copy of it, nor of the rule: inlined
    /// where it is read): once a second per rule.
    var readingValue: Double {
        @inline(__always) get { Self.readingValue(series) ?? reading.value }
    }

    @inline(__always)
    private static func readingValue(_ series: [RuleSeries]) -> Double? {
        guard !series.isEmpty, !series[0].tracks.isEmpty else { return nil }
        var bk = 0, bt = 0
        var rank = series[0].tracks[0].state.phase.rank
        for k in series.indices {
            for t in series[k].tracks.indices where series[k].tracks[t].state.phase.rank > rank {
                rank = series[k].tracks[t].state.phase.rank
                bk = k
                bt = t
            }
        }
        return series[bk].tracks[bt].reading.value
    }

    package var worst: AlertTrack {
        guard let first = series.first else {
            // A label-grouped rule before any value appeared.
            let empty = rule.condition.evaluateTracks(rule.condition.windows.map { _ in WindowSum() })
            return AlertTrack(key: rule.name, name: rule.condition.tracks[0], state: AlertState(), reading: empty[0])
        }
        var best = first.tracks[0]
        for s in series { for t in s.tracks where t.state.phase.rank > best.state.phase.rank { best = t } }
        return best
    }
}

/// One group of a rule: its inputs, its window sums and one alert per track.
public struct RuleSeries: Sendable {
    /// The group value (an input name for `group_by: [input]`, `other` for the folded ones); nil when not grouped.
    public let group: String?
    public let inputs: [Int]
    /// Per condition window: its index in `exact`, or nil when it is read from `long`.
    let plan: [Int?]
    /// Windows up to `TieredCounts.exactLimit`, summed per second from the input rings.
    public internal(set) var exact: [RollingSum]
    /// Longer windows, from coarser buckets.
    public internal(set) var long: TieredCounts
    /// Hourly buckets for a seasonal baseline (`same_hour_last_week`); nil without one.
    public internal(set) var seasonal: TieredCounts?
    /// How many seconds behind the evaluation point its freshest line is, when lines came in (0 when on time).
    public internal(set) var dataLag: Int64 = 0
    /// When lines last came in (the clock then).
    public internal(set) var lagSeenAt: Int64 = .min
    /// The newest second it counted a line at.
    var newestCounted: Int64 = .min
    public internal(set) var tracks: [AlertTrack]
    /// A label group's own counts (`group_by: [host]`): its lines are counted here, not summed
    /// from the input rings. Nil for series of whole inputs.
    public internal(set) var own: InputTally?
    /// The top paths and hosts behind its matching codes, for its messages.
    public internal(set) var top: TopLabels

    init(rule: Rule, group: String?, inputs: [Int], states: [String: AlertState], ownRing: Int? = nil) {
        self.group = group
        own = ownRing.map { InputTally(windowSeconds: $0) }
        top = TopLabels(window: rule.window)
        self.inputs = inputs
        var plan: [Int?] = []
        var exact: [RollingSum] = []
        for w in rule.condition.windows {
            if w <= TieredCounts.exactLimit {
                plan.append(exact.count)
                exact.append(RollingSum(length: w, match: rule.match))
            } else {
                plan.append(nil)
            }
        }
        self.plan = plan
        self.exact = exact
        long = TieredCounts(windows: rule.condition.windows)
        seasonal = rule.condition.seasonal.map { TieredCounts(hourlySpan: $0.span) }
        let empty = rule.condition.evaluateTracks(rule.condition.windows.map { _ in WindowSum() })
        tracks = rule.condition.tracks.enumerated().map { k, name in
            let key = AlertKey.name(rule: rule.name, group: group, track: name)
            return AlertTrack(key: key, name: name, state: states[key] ?? AlertState(), reading: empty[k])
        }
    }

    /// The key of the series' long buckets in a checkpoint.
    func longKey(_ rule: String) -> String { AlertKey.name(rule: rule, group: group, track: nil) }
}

/// One alert: a track of a rule series (an SLO's page or ticket, else the only one).
public struct AlertTrack: Sendable {
    /// `rule`, `rule[group]`, `rule/page`: its key in checkpoints and silences.
    public let key: String
    public let name: String?
    public internal(set) var state: AlertState
    /// The condition's reading at the last evaluated second.
    public internal(set) var reading: RuleReading
    /// SLO pairs held after a quick all-clear (`RuleContext.held`); 0 otherwise.
    public internal(set) var held: UInt8 = 0
}

/// The last values of a rule's figure, one per `step` seconds, for `statusd status` sparklines.
public struct SparkHistory: Sendable, Equatable {
    public static let capacity = 30
    public internal(set) var values: [Double] = []
    public internal(set) var step: Int64 = 10
    var lastAt: Int64 = .min

    mutating func sample(_ v: Double, at s: Int64) {
        guard lastAt == .min || s - lastAt >= step else { return }
        lastAt = s
        values.append(v)
        if values.count > Self.capacity { values.removeFirst(values.count - Self.capacity) }
    }
}

extension AlertPhase {
    var rank: Int {
        switch self {
        case .ok: return 0
        case .pending: return 1
        case .firing: return 2
        }
    }
}
