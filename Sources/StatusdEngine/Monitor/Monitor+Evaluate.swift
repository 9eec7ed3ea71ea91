import StatusdParse

extension Monitor {
    /// Evaluates every second after the last evaluated one through `target`. A quiet stretch
    /// (nothing counted within the longest window, every alert ok, conditions that an empty window
    /// cannot trigger) is crossed in one step: nothing can change there. Conditions that watch for
    /// silence (`no_traffic`) are never skipped.
    mutating func evaluate(through target: Int64) {
        guard let last = evaluatedThrough else {
            // Nothing before the first second the clock reached is evaluated; the sums start
            // there, from whatever the rings already hold.
            flushAll()
            evaluatedThrough = target
            startWatching(at: target)
            for r in rules.indices {
                for k in rules[r].series.indices {
                    for e in rules[r].series[k].exact.indices { rules[r].series[k].exact[e].invalidate() }
                    slideAll(r, k, to: target)
                }
            }
            return
        }
        guard target > last else { return }
        flushAll()
        var s = last + 1
        while s <= target {
            if s < target, isQuiet(at: s) {
                for r in rules.indices {
                    for k in rules[r].series.indices {
                        for e in rules[r].series[k].exact.indices { rules[r].series[k].exact[e].reset(through: target - 1) }
                        rules[r].series[k].long.skip(through: target - 1)
                        rules[r].series[k].seasonal?.skip(through: target - 1)
                    }
                }
                s = target
            }
            evaluateSecond(s)
            s += 1
        }
        evaluatedThrough = target
        evictIdleGroups(at: target)
    }

    private func isQuiet(at s: Int64) -> Bool {
        guard newestData == .min || newestData < s - longestWindow else { return false }
        return rules.allSatisfy { r in
            r.rule.condition.quietIsInert && r.series.allSatisfy { $0.tracks.allSatisfy { $0.state.phase == .ok } }
        }
    }

    /// Moves series `k` of rule `r` to second `s`: exact sums slide over the rings, and the long
    /// buckets take the seconds not yet in them (from what the rings hold).
    mutating func slideAll(_ r: Int, _ k: Int, to s: Int64) {
        // The rings the series sums over: its own, one input's (no array made every second), or several inputs'.
        if let own = rules[r].series[k].own {
            slideAll(r, k, to: s, over: CollectionOfOne(own.window))
        } else if rules[r].series[k].inputs.count == 1 {
            slideAll(r, k, to: s, over: CollectionOfOne(inputs[rules[r].series[k].inputs[0]].tally.window))
        } else {
            slideAll(r, k, to: s, over: rules[r].series[k].inputs.map { inputs[$0].tally.window })
        }
    }

    private mutating func slideAll<Windows: Collection<StatusWindow>>(_ r: Int, _ k: Int, to s: Int64, over windows: Windows) {
        for e in rules[r].series[k].exact.indices { rules[r].series[k].exact[e].slide(to: s, over: windows) }
        if !rules[r].series[k].long.isEmpty { ingest(&rules[r].series[k].long, rules[r].rule.match, to: s, over: windows) }
        if rules[r].series[k].seasonal != nil { ingest(&rules[r].series[k].seasonal!, rules[r].rule.match, to: s, over: windows) }
    }

    /// Adds the seconds through `s` that `counts` has not taken yet, from what the rings hold.
    private func ingest<Windows: Collection<StatusWindow>>(_ counts: inout TieredCounts, _ match: StatusSet, to s: Int64, over windows: Windows) {
        var from = counts.ingestedThrough
        let oldest = s - Int64(windows.map(\.capacity).max() ?? 1)
        if from == .min || from < oldest { from = oldest }
        var t = from + 1
        while t <= s {
            var total: UInt64 = 0, matched: UInt64 = 0
            for w in windows {
                w.withBucket(at: t) { b in
                    b.forEach { code, count in
                        let n = UInt64(count)
                        total &+= n
                        if match.contains(StatusCode(unchecked: code)) { matched &+= n }
                    }
                }
            }
            counts.ingest(t, total: total, matched: matched)
            t += 1
        }
    }

    /// What the condition of series `k` of rule `r` reads at second `s` besides its sums: the
    /// series' history, its seasonal level, the SLO pairs it holds.
    func context(_ r: Int, _ k: Int, at s: Int64) -> RuleContext {
        let series = rules[r].series[k]
        var c = RuleContext()
        if !series.long.isEmpty {
            c.history = series.long.firstData == .min ? 0 : s - series.long.firstData + 1
        }
        for t in series.tracks { c.held |= t.held }
        if let season = rules[r].rule.condition.seasonal, let hours = series.seasonal {
            // The condition's window, one period ago.
            let length = rules[r].rule.condition.windows[0]
            let then = s - season.offset
            if let level = hours.level(length: length, endingAt: then) {
                c.seasonal = level
            } else {
                // The hours that window falls in must all have been watched.
                let start = then - length + 1
                let hourStart = start - ((start % 3600) + 3600) % 3600
                let first = hours.firstData == .min ? s : hours.firstData
                c.seasonalMissing = max(1, first - hourStart)
            }
        }
        return c
    }

    /// The sums of series `k` of rule `r` at second `s`, one per condition window (after `slideAll`).
    mutating func windowSums(_ r: Int, _ k: Int, at s: Int64) -> [WindowSum] {
        var sums: [WindowSum] = []
        sums.reserveCapacity(rules[r].series[k].plan.count)
        for (w, slot) in zip(rules[r].rule.condition.windows, rules[r].series[k].plan) {
            if let e = slot {
                sums.append(rules[r].series[k].exact[e].sum)
            } else {
                sums.append(rules[r].series[k].long.sum(length: w, endingAt: s))
            }
        }
        return sums
    }

    private mutating func evaluateSecond(_ s: Int64) {
        let before = produced.count
        for r in rules.indices {
            let policy = rules[r].rule.policy
            for k in rules[r].series.indices {
                slideAll(r, k, to: s)
                let sums = windowSums(r, k, at: s)
                let context = context(r, k, at: s)
                if rules[r].series[k].tracks.count == 1 {
                    // One track (every condition but an SLO): its reading, with no array of readings
                    // made every second. `evaluate` is the first track's reading.
                    var reading = rules[r].rule.condition.evaluate(sums, context)
                    // An empty window proves absence only over seconds that were watched.
                    if reading.breaching, absenceUnproven(r, k, at: s) { reading.breaching = false; reading.calm = false }
                    advance(r, k, 0, reading, policy, at: s)
                } else {
                    let readings = rules[r].rule.condition.evaluateTracks(sums, context)
                    for t in rules[r].series[k].tracks.indices { advance(r, k, t, readings[t], policy, at: s) }
                }
            }
            rules[r].history.sample(rules[r].readingValue, at: s)
            if trace != nil { trace!.record(rules[r], at: s) }
        }
        if produced.count > before { attachLabels(from: before); applyInhibitions(from: before) }
    }

    /// Gives track `t` of series `k` of rule `r` its reading at second `s`, and records the
    /// transition that makes, if any.
    @inline(__always)
    private mutating func advance(_ r: Int, _ k: Int, _ t: Int, _ reading: RuleReading, _ policy: AlertPolicy, at s: Int64) {
        rules[r].series[k].tracks[t].reading = reading
        let step = rules[r].series[k].tracks[t].state.step(reading, policy, now: s)
        holdPairs(r, k, t, reading, resolved: step?.kind == .resolved)
        guard let step else { return }
        produce(step, r, k, t, reading, at: s)
    }

    /// Quick all-clear: a page that resolves holds the pairs still breaching (the incident is
    /// inside their windows), and each is let go once it stops breaching on its own.
    @inline(__always)
    private mutating func holdPairs(_ r: Int, _ k: Int, _ t: Int, _ reading: RuleReading, resolved: Bool) {
        guard reading.breachingPairs != 0 || rules[r].series[k].tracks[t].held != 0 else { return }
        guard case .slo(let slo) = rules[r].rule.condition, slo.allClear == .quick, t == 0 else { return }
        if resolved {
            rules[r].series[k].tracks[t].held = reading.breachingPairs & SLOCondition.pagePairs
        } else {
            rules[r].series[k].tracks[t].held &= reading.breachingPairs
        }
    }

    /// Records the transition `step` of track `t` of series `k` of rule `r` at second `s`.
    mutating func produce(_ step: AlertStep, _ r: Int, _ k: Int, _ t: Int, _ reading: RuleReading, at s: Int64) {
        let track = rules[r].series[k].tracks[t]
        let series = rules[r].series[k]
        // A firing made by lines that came in late (a CDN's batches) belongs to their time, and
        // is marked late (`AlertTransition.late`).
        let lag = step.kind == .firing && series.dataLag > AlertTransition.lateAfterSeconds && series.lagSeenAt >= s - 1 ? series.dataLag : 0
        produced.append(AlertTransition(
            rule: rules[r].rule, kind: step.kind, reading: reading, inputs: series.inputs.map { inputs[$0].name },
            at: s - lag, seenAt: max(seenClock, s), state: track.state, firedAt: track.state.firedAt,
            group: series.group, track: track.name, notice: step.notice))
    }

    /// Marks this second's firing notifications of rules inhibited by another rule's firing alert
    /// for the same group (or either ungrouped) as inhibited; the episode stays so, its reminders
    /// and resolution with it.
    mutating func applyInhibitions(from start: Int) {
        for p in start..<produced.count {
            let t = produced[p]
            guard let (r, k, a) = locate(t) else { continue }
            if t.kind == .firing, t.sequence == 1 {
                if let by = inhibitor(of: t.rule, group: t.group) {
                    rules[r].series[k].tracks[a].state.inhibitedBy = by
                }
            }
            produced[p].inhibitedBy = rules[r].series[k].tracks[a].state.inhibitedBy
        }
    }

    private func locate(_ t: AlertTransition) -> (Int, Int, Int)? {
        guard let r = rules.firstIndex(where: { $0.rule.name == t.rule }),
              let k = rules[r].series.firstIndex(where: { $0.group == t.group }),
              let a = rules[r].series[k].tracks.firstIndex(where: { $0.name == t.track }) else { return nil }
        return (r, k, a)
    }

    /// The name of a firing rule that inhibits `rule` for `group`.
    func inhibitor(of rule: String, group: String?) -> String? {
        for r in rules where r.rule.inhibits.contains(rule) && r.rule.name != rule {
            for s in r.series where group == nil || s.group == nil || s.group == group {
                if s.tracks.contains(where: { $0.state.phase == .firing }) { return r.rule.name }
            }
        }
        return nil
    }
}
