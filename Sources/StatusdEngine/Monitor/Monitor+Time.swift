import StatusdParse
/// The time model's guards: what keeps event time from being pushed.
///
/// Event time stays (it is what makes replay equal live), but live:
/// - a request stamped after the arrival clock (inside `max_skew`: a drifted host, a
///   client-supplied time) is counted in the totals at once and put in its own second's bucket when
///   the arrival clock reaches that second. It never moves the window or the evaluation point, so
///   the lines after it are not `too_late` and an outage is still seen;
/// - a wall-clock step (the realtime clock read against the monotonic one) moves every second the
///   monitor holds (windows, evaluation point, alert times) by the step, so the windows stay
///   continuous: no blind hour after a step back, no false `no_traffic` after a step forward;
/// - a saved evaluation point ahead of the clock at start is not trusted: the state is moved back
///   to the clock the same way;
/// - `no_traffic` proves absence only over seconds it watched: from the first evaluated second, or
///   from the state it resumed, never from the beginning of time.
extension Monitor {
    /// Held requests per input beyond this are put at their arrival second instead.
    static let aheadLimit = 65_536

    /// Counts `count` requests of `status` stamped at `second`, after the arrival clock.
    mutating func holdAhead(_ status: StatusCode, count: UInt32 = 1, at second: Int64, arrival: Int64, input i: Int) {
        for _ in 0..<count { inputs[i].tally.countAhead(status) }
        if let last = inputs[i].ahead.indices.last, inputs[i].ahead[last].second == second, inputs[i].ahead[last].code == status.rawValue {
            inputs[i].ahead[last].count &+= count
        } else if inputs[i].ahead.count < Self.aheadLimit {
            inputs[i].ahead.append(AheadCount(second: second, code: status.rawValue, count: count))
        } else {
            place(status, count: count, at: arrival, input: i)
            return
        }
        aheadHeld = true
    }

    /// Puts the held requests of seconds up to `now` in their buckets.
    mutating func releaseAhead(through now: Int64) {
        guard aheadHeld else { return }
        var still = false
        for i in inputs.indices where !inputs[i].ahead.isEmpty {
            var keep: [AheadCount] = []
            for e in inputs[i].ahead {
                if e.second <= now {
                    place(StatusCode(unchecked: e.code), count: e.count, at: e.second, input: i)
                } else {
                    keep.append(e)
                }
            }
            inputs[i].ahead = keep
            if !keep.isEmpty { still = true }
        }
        aheadHeld = still
    }

    private mutating func place(_ status: StatusCode, count: UInt32, at second: Int64, input i: Int) {
        if second > newestData { newestData = second }
        if !inputs[i].tally.place(status, count: count, at: second) {
            flush(i)
            _ = inputs[i].tally.place(status, count: count, at: second)
        }
    }

    /// Requests held for a later second, all inputs.
    public var heldAhead: UInt64 {
        inputs.reduce(0) { sum, input in input.ahead.reduce(sum) { $0 &+ UInt64($1.count) } }
    }

    // MARK: absence

    /// `true` while series `k` of rule `r` (a `no_traffic` rule) has not been watched for its
    /// whole window at second `s`: an empty window there proves nothing.
    func absenceUnproven(_ r: Int, _ k: Int, at s: Int64) -> Bool {
        guard case .noTraffic(let n) = rules[r].rule.condition else { return false }
        var since: Int64 = .min
        for i in rules[r].series[k].inputs {
            if let w = inputs[i].watchedSince, w > since { since = w }
        }
        if since != .min && s - since < n.window { return true }
        // Lines arriving late (a CDN's batches): the window's seconds may still come. Absence is
        // proven only once lines that late would have arrived.
        let series = rules[r].series[k]
        return series.lagSeenAt != .min && series.dataLag > 0 && s - series.lagSeenAt <= series.dataLag + n.window
    }

    /// The first evaluated second: inputs not watched before start being watched here.
    mutating func startWatching(at second: Int64) {
        for i in inputs.indices where inputs[i].watchedSince == nil { inputs[i].watchedSince = second }
    }

    // MARK: wall-clock steps

    /// Live: one reading of the realtime and monotonic clocks, in nanoseconds. When the realtime
    /// clock stepped since the last reading, every second the monitor holds is moved by the step
    /// (see the type's note) and the step, in signed seconds, is returned for the log.
    public mutating func observeClock(realtimeNs: Int64, monotonicNs: Int64) -> Int64? {
        guard let step = clockWatch.observe(realtimeNs: realtimeNs, monotonicNs: monotonicNs) else { return nil }
        shiftTime(by: step)
        noteStep(step, at: realtimeNs / 1_000_000_000, source: "running")
        return step
    }

    /// At start, after a state file was restored: an evaluation point ahead of `now` (the clock
    /// went back while statusd was stopped) is not trusted; the state is moved back to the clock.
    /// Returns the step made, in signed seconds.
    public mutating func distrustFuture(now: Int64) -> Int64? {
        let point = max(evaluatedThrough.map { $0 + 1 } ?? .min, clock)
        guard point != .min, point > now else { return nil }
        let step = now - point
        shiftTime(by: step)
        noteStep(step, at: now, source: "state_file")
        return step
    }

    private mutating func noteStep(_ step: Int64, at now: Int64, source: String) {
        clockReport.steps += 1
        clockReport.lastStepSeconds = step
        clockReport.lastStepDirection = step < 0 ? "back" : "forward"
        clockReport.lastStepAt = CivilTime.iso8601(now)
        clockReport.lastStepSource = source
    }

    /// Moves every second the monitor holds by `d`: windows and their sums, held requests, long
    /// buckets, alert times, the evaluation point and the clock.
    public mutating func shiftTime(by d: Int64) {
        guard d != 0 else { return }
        flushAll()
        for i in inputs.indices {
            inputs[i].tally = InputTally(snapshot: inputs[i].tally.snapshot.shifted(by: d),
                                         windowSeconds: inputs[i].tally.window.capacity)
            for e in inputs[i].ahead.indices { inputs[i].ahead[e].second += d }
            if let w = inputs[i].watchedSince, w != .min { inputs[i].watchedSince = w + d }
        }
        for r in rules.indices {
            if rules[r].history.lastAt != .min { rules[r].history.lastAt += d }
            for k in rules[r].series.indices {
                if let own = rules[r].series[k].own {
                    rules[r].series[k].own = InputTally(snapshot: own.snapshot.shifted(by: d), windowSeconds: own.window.capacity)
                }
                for t in rules[r].series[k].tracks.indices { rules[r].series[k].tracks[t].state.shift(by: d) }
                rules[r].series[k].long.shift(by: d)
                rules[r].series[k].seasonal?.shift(by: d)
                if rules[r].series[k].top.spanStart != .min { rules[r].series[k].top.spanStart += d }
                for e in rules[r].series[k].exact.indices { rules[r].series[k].exact[e].invalidate() }
            }
        }
        evaluatedThrough = evaluatedThrough.map { $0 + d }
        if clock != .min { clock += d }
        if seenClock != .min { seenClock += d }
        if newestData != .min { newestData += d }
        if let through = evaluatedThrough {
            for r in rules.indices {
                for k in rules[r].series.indices { slideAll(r, k, to: through) }
            }
        }
    }
}

/// Requests of one code held for a second the arrival clock has not reached.
struct AheadCount: Sendable, Equatable {
    var second: Int64
    var code: UInt16
    var count: UInt32
}

/// Finds wall-clock steps: the realtime clock read against the monotonic one. Their difference
/// stays put while both run (NTP slews them alike); a step changes it at once. Pure: readings are
/// passed in.
public struct WallClockWatch: Sendable, Equatable {
    /// A change of the difference at least this large (ns) is a step; smaller ones are lateness.
    public static let thresholdNs: Int64 = 2_000_000_000
    var offset: Int64?

    public init() {}

    /// The step since the last reading in whole seconds (negative: back), or nil.
    public mutating func observe(realtimeNs: Int64, monotonicNs: Int64) -> Int64? {
        let o = realtimeNs &- monotonicNs
        defer { offset = o }
        guard let last = offset else { return nil }
        let d = o &- last
        guard d >= Self.thresholdNs || d <= -Self.thresholdNs else { return nil }
        return (d + (d >= 0 ? 500_000_000 : -500_000_000)) / 1_000_000_000
    }
}

extension TallySnapshot {
    /// The same counts with every bucket's second moved by `d`.
    func shifted(by d: Int64) -> TallySnapshot {
        var s = self
        var b = buckets
        for k in b.indices where !b[k].isEmpty { b[k][0] += d }
        s.buckets = b
        return s
    }
}

extension TieredCounts {
    /// Moves every bucket by `d` seconds (rounded to each tier's width).
    mutating func shift(by d: Int64) {
        for t in tiers.indices where tiers[t].head != .min {
            let w = tiers[t].width
            let q = (d >= 0 ? d + w / 2 : d - w / 2) / w
            var totals = [UInt32](repeating: 0, count: tiers[t].slots)
            var matched = totals
            let head = tiers[t].head
            var i = head - Int64(tiers[t].slots) + 1
            while i <= head {
                let (a, b) = tiers[t].bucket(i)
                let k = tiers[t].slot(i + q)
                totals[k] = UInt32(clamping: a)
                matched[k] = UInt32(clamping: b)
                i += 1
            }
            tiers[t].totals = totals
            tiers[t].matched = matched
            tiers[t].head = head + q
        }
        if ingestedThrough != .min { shiftIngested(by: d) }
        if firstData != .min { firstData += d }
        for q in queries.indices { queries[q].at = .min }
    }
}
