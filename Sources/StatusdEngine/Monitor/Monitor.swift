import StatusdParse
/// The counting and alerting core: every input's tally and every rule's state, advanced by event
/// seconds. Pure: lines and the clock come in as arguments, transitions come out.
///
/// The daemon (live tailing, a backlog after a restart) and `statusd replay` drive the same
/// monitor, so the same lines give the same transitions. A second is evaluated once the clock has
/// moved past it: when a line of a later second is counted (and, live, when the wall clock has
/// moved on after everything written was read). Lines that arrive after their second was
/// evaluated still land in their window, as late lines do.
public struct Monitor: LineSink, Sendable {
    /// How event time moves the clock.
    public enum Clock: Sendable {
        /// Replay: the lines' own times drive the clock.
        case lines
        /// Live: the lines' times, never ahead of the arrival clock (a line stamped in the future
        /// cannot run the evaluation ahead), and the wall clock when all was read.
        case live
    }

    public internal(set) var inputs: [MonitoredInput]
    public internal(set) var rules: [MonitoredRule]
    /// The last evaluated second; nil before the first.
    public internal(set) var evaluatedThrough: Int64?
    /// The newest second the clock has reached.
    public internal(set) var clock: Int64 = .min
    /// The newest arrival (or wall) second seen: when transitions were evaluated.
    public internal(set) var seenClock: Int64 = .min
    /// The newest second any request was counted at.
    public internal(set) var newestData: Int64 = .min
    let clockMode: Clock
    /// For each input, the rule series counting it (positions in `rules`, then in its `series`).
    var watchers: [[(rule: Int, series: Int)]] = []
    /// When set, every evaluated second's readings are recorded (for `statusd replay --chart`).
    public var trace: ChartTrace?
    /// The longest window of any rule.
    var longestWindow: Int64 = 0
    var changes: [RingChange] = []
    /// Transitions not yet taken by the caller, in order.
    var produced: [AlertTransition] = []
    /// Which lines are re-read for labels, and how (`Monitor+Labels.swift`).
    var labels = LabelPlan()
    /// Some input holds requests stamped ahead of the arrival clock (`Monitor+Time.swift`).
    var aheadHeld = false
    /// The realtime clock read against the monotonic one, for steps.
    var clockWatch = WallClockWatch()
    /// The wall-clock steps seen, for status.
    public internal(set) var clockReport = ClockReport()

    public init(inputs: [InputConfig], rules: [Rule], clock: Clock) {
        clockMode = clock
        self.inputs = []
        self.rules = []
        changes.reserveCapacity(64)
        reconfigure(inputs: inputs, rules: rules)
    }

    /// New inputs and rules (a reload): inputs that keep their name keep their counts and windows,
    /// alerts that keep their rule, group and track keep their state, and long-window buckets of
    /// series whose rule keeps its name, match and windows are kept; window sums are rebuilt from
    /// the rings.
    public mutating func reconfigure(inputs configs: [InputConfig], rules newRules: [Rule]) {
        flushAll()
        var kept: [String: MonitoredInput] = [:]
        for i in inputs { kept[i.name] = i }
        inputs = configs.map { config in
            let seconds = Self.ringSeconds(for: config, rules: newRules)
            var input = MonitoredInput(config: config, windowSeconds: seconds)
            if let old = kept[config.name] {
                var tally = old.tally
                tally.resize(windowSeconds: seconds)
                input.tally = tally
                input.ahead = old.ahead
                input.watchedSince = old.watchedSince
            } else {
                // A new input is watched from the last evaluated second on.
                input.watchedSince = evaluatedThrough
            }
            return input
        }
        var states: [String: AlertState] = [:]
        var held: [String: UInt8] = [:]
        var longs: [String: (Rule, TieredCounts)] = [:]
        var seasons: [String: (Rule, TieredCounts)] = [:]
        for r in rules {
            for s in r.series {
                for t in s.tracks { states[t.key] = t.state; if t.held != 0 { held[t.key] = t.held } }
                if let season = s.seasonal { seasons[s.longKey(r.rule.name)] = (r.rule, season) }
                if !s.long.isEmpty { longs[s.longKey(r.rule.name)] = (r.rule, s.long) }
            }
        }
        let names = configs.map(\.name)
        let old = rules
        rules = newRules.map { rule in
            let watched = names.indices.filter { rule.watches(input: names[$0]) }
            var m = MonitoredRule(rule: rule, inputs: watched, inputNames: names, states: states,
                                  groupRing: Self.groupRing(watched.map { configs[$0] }, rule))
            m.keepGroups(of: old)
            for k in m.series.indices {
                if let (old, long) = longs[m.series[k].longKey(rule.name)], old.match == rule.match,
                   old.condition.windows == rule.condition.windows, old.inputs == rule.inputs {
                    m.series[k].long = long
                }
                if let (old, season) = seasons[m.series[k].longKey(rule.name)], old.match == rule.match, old.inputs == rule.inputs,
                   old.condition.seasonal == rule.condition.seasonal {
                    m.series[k].seasonal = season
                }
                for t in m.series[k].tracks.indices { m.series[k].tracks[t].held = held[m.series[k].tracks[t].key] ?? 0 }
            }
            return m
        }
        watchers = inputs.indices.map { i in
            rules.indices.flatMap { r in rules[r].series.indices.filter { rules[r].series[$0].own == nil && rules[r].series[$0].inputs.contains(i) }.map { (r, $0) } }
        }
        longestWindow = newRules.map(\.window).max() ?? 0
        labels = LabelPlan(inputs: configs, rules: rules, keeping: labels)
        if let through = evaluatedThrough {
            // Sums start from the rings at the last evaluated second.
            for r in rules.indices {
                for k in rules[r].series.indices { slideAll(r, k, to: through) }
            }
        }
    }

    /// The ring an input needs: the longest window of the rules that watch it plus the lateness it
    /// accepts.
    /// Windows longer than `TieredCounts.exactLimit` are read from coarser buckets, which take each
    /// second from the ring as it is evaluated: the ring holds only the exact windows.
    public static func ringSeconds(for input: InputConfig, rules: [Rule]) -> Int {
        RingLength.seconds(windows: rules.filter { $0.watches(input: input.name) }.map(\.exactWindow), lateness: input.maxLatenessSeconds)
    }

    // MARK: counting

    /// Counts one line of input `input` read at `arrival`. The hot path: a few compares and one
    /// table increment, except when the line's second closes earlier seconds for evaluation.
    @inline(__always)
    public mutating func accept(_ result: ParseResult, input i: Int, arrival: Int64) {
        switch result {
        case .entry(let status, let time):
            let resolved = EventSecond.resolve(time, arrival: arrival, timeSource: inputs[i].timeSource, maxSkew: inputs[i].maxSkew)
            let second = resolved.second
            if resolved.outOfRange { inputs[i].tally.noteOutOfRange() }
            if arrival > seenClock {
                seenClock = arrival
                if aheadHeld { releaseAhead(through: arrival) }
            }
            let reached = clockMode == .live ? min(second, arrival) : second
            if reached > clock { advanceClock(to: reached) }
            if second > arrival, clockMode == .live {
                // Stamped after the arrival clock: its second's bucket waits for the clock.
                holdAhead(status, at: second, arrival: arrival, input: i)
                return
            }
            if second > newestData { newestData = second }
            if !inputs[i].tally.count(status, at: second) {
                flush(i)
                _ = inputs[i].tally.count(status, at: second)
            }
        case .ignored:
            inputs[i].tally.recordIgnored()
        case .unparsed:
            inputs[i].tally.recordUnparsed()
        }
    }

    /// Live: the wall clock, once everything written so far was read. Evaluates every second
    /// before `now`.
    public mutating func advance(wallClock now: Int64) {
        if now > seenClock { seenClock = now }
        releaseAhead(through: now)
        if now > clock { clock = now }
        evaluate(through: now - 1)
    }

    /// Replay: evaluates through the newest second seen (the log has ended).
    public mutating func finish() {
        guard clock != .min else { return }
        evaluate(through: clock)
    }

    /// The transitions produced since the last call, in order.
    public mutating func takeTransitions() -> [AlertTransition] {
        guard !produced.isEmpty else { return [] }
        defer { produced.removeAll(keepingCapacity: true) }
        return produced
    }

    /// A line of second `second` closes every second before it.
    private mutating func advanceClock(to second: Int64) {
        clock = second
        evaluate(through: second - 1)
    }

    /// Moves input `i`'s batched second into its ring, and the rule sums covering it along.
    mutating func flush(_ i: Int) {
        guard inputs[i].tally.hasPending else { return }
        inputs[i].tally.flush(changes: &changes)
        guard !changes.isEmpty else { return }
        for (r, s) in watchers[i] { applyChanges(r, s) }
        changes.removeAll(keepingCapacity: true)
    }

    /// Applies the ring changes just flushed to series `s` of rule `r`: its exact sums covering
    /// them, and its long buckets for seconds they already took in (late lines).
    mutating func applyChanges(_ r: Int, _ s: Int) {
        // How far behind the evaluation point the freshest line the series ever counted is: a
        // CDN's batches arrive minutes late, and what they make fire is marked late. (One old
        // straggler among on-time lines leaves it at 0.)
        if let through = evaluatedThrough, let freshest = changes.lazy.filter({ $0.delta > 0 }).map(\.second).max() {
            if freshest > rules[r].series[s].newestCounted { rules[r].series[s].newestCounted = freshest }
            rules[r].series[s].dataLag = max(0, through - rules[r].series[s].newestCounted)
            rules[r].series[s].lagSeenAt = max(seenClock, through)
        }
        for k in rules[r].series[s].exact.indices {
            for c in changes where rules[r].series[s].exact[k].covers(c.second) { rules[r].series[s].exact[k].apply(c.code, c.delta) }
        }
        let match = rules[r].rule.match
        for c in changes where c.delta > 0 && !rules[r].series[s].long.isEmpty && c.second <= rules[r].series[s].long.ingestedThrough {
            let m: UInt64 = match.contains(StatusCode(unchecked: c.code)) ? UInt64(c.delta) : 0
            rules[r].series[s].long.addLate(c.second, total: UInt64(c.delta), matched: m)
        }
        guard rules[r].series[s].seasonal != nil else { return }
        for c in changes where c.delta > 0 && c.second <= rules[r].series[s].seasonal!.ingestedThrough {
            let m: UInt64 = match.contains(StatusCode(unchecked: c.code)) ? UInt64(c.delta) : 0
            rules[r].series[s].seasonal!.addLate(c.second, total: UInt64(c.delta), matched: m)
        }
    }

    mutating func flushAll() {
        for i in inputs.indices { flush(i) }
        flushGroups()
    }
}
