extension Monitor {
    /// Live: fires alerts within the second that crosses their limit, from the lines read so far,
    /// instead of waiting for the second to end. Without it an alert waits half a second on
    /// average (a whole second at worst) for its second to close; with it, the line that crosses a
    /// limit is acted on as soon as it is read.
    ///
    /// Only firing is brought forward, never pending, resolving or a reminder: those wait for the
    /// whole second, as replay does. A count can only grow as more of the second arrives, so an
    /// early `count_above` firing is the one the whole second gives. A rate can fall again, so the
    /// open second is read as if the rest of it brought as many more requests as the previous
    /// second had, all of them good: a rule fires early only with that much room to spare, and
    /// live and replay differ only when a second's traffic more than doubles at the very moment a
    /// limit is crossed (replay then fires one second later, or not). Conditions that watch for
    /// silence or compare with their own past (`no_traffic`, `spike`) are left to the close.
    ///
    /// Returns whether anything fired (take the transitions as usual).
    @discardableResult
    public mutating func evaluateOpenSecond() -> Bool {
        let open = clock
        guard clockMode == .live, open != .min, evaluatedThrough == open - 1, newestData >= open else { return false }
        flushAll()
        let before = produced.count
        for r in rules.indices where rules[r].rule.condition.firesEarly {
            let rule = rules[r].rule
            for k in rules[r].series.indices where rules[r].series[k].tracks.contains(where: { $0.state.phase != .firing }) {
                slideAll(r, k, to: open)
                let rest = restOfSecond(rules[r].series[k], open)
                let sums = windowSums(r, k, at: open)
                let context = context(r, k, at: open)
                let readings = rule.condition.evaluateTracks(sums, context)
                // The decision reads the second as if its rest came in good; the notification
                // tells what was read.
                let spare = rest == 0 ? readings : rule.condition.evaluateTracks(sums.map {
                    var s = $0
                    s.total &+= rest
                    return s
                }, context)
                for t in rules[r].series[k].tracks.indices where rules[r].series[k].tracks[t].state.phase != .firing {
                    let reading = readings[t]
                    guard spare[t].breaching, reading.breaching else { continue }
                    var state = rules[r].series[k].tracks[t].state
                    guard let step = state.step(reading, rule.policy, now: open), step.kind == .firing else { continue }
                    rules[r].series[k].tracks[t].state = state
                    rules[r].series[k].tracks[t].reading = reading
                    produce(step, r, k, t, reading, at: open)
                }
            }
        }
        guard produced.count > before else { return false }
        attachLabels(from: before)
        applyInhibitions(from: before)
        return true
    }

    /// The requests the rest of second `open` is assumed to bring: the previous second's, less
    /// what `open` already has, over the series' rings (a label group's own, else its inputs').
    private func restOfSecond(_ series: RuleSeries, _ open: Int64) -> UInt64 {
        var previous: UInt64 = 0, current: UInt64 = 0
        let windows = series.own.map { [$0.window] } ?? series.inputs.map { inputs[$0].tally.window }
        for w in windows {
            w.withBucket(at: open - 1) { b in previous &+= b.total }
            w.withBucket(at: open) { b in current &+= b.total }
        }
        return previous > current ? previous - current : 0
    }
}

extension RuleCondition {
    /// Whether the monitor may fire it before its second ends (`Monitor.evaluateOpenSecond`).
    var firesEarly: Bool {
        switch self {
        case .rate, .count, .slo: return true
        case .noTraffic, .spike: return false
        }
    }
}
