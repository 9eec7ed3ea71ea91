import StatusdParse
/// Labels: lines re-read for their virtual host, path and upstream when a rule needs them, rules
/// run per label value (`group_by: [host]`, `path_prefix`, `upstream`, with `input`), and the top
/// paths and hosts named in firing messages.
///
/// A label group has its own tally (a ring like an input's): its lines are counted there, and its
/// window sums slide over that ring, so everything else (conditions, alert states, inhibition,
/// checkpoints) works on it as on any series. Groups are created as values appear, up to the
/// rule's `max_groups` (later values are counted in `other` and reported), and dropped once their
/// window is empty and their alerts are ok.
extension Monitor {
    /// Counts one line and, when a rule needs them, reads its labels.
    @inline(__always)
    public mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input i: Int, arrival: Int64) {
        accept(result, input: i, arrival: arrival)
        guard labels.active[i] else { return }
        // Healthy traffic: one bit test, unless a rule groups this input's lines by a label.
        if case .entry(let status, _) = result, !labels.everyLine[i], !labels.matchAny[i].contains(status) { return }
        label(result, line, input: i, arrival: arrival)
    }

    private mutating func label(_ result: ParseResult, _ line: UnsafeRawBufferPointer, input i: Int, arrival: Int64) {
        guard case .entry(let status, let time) = result else {
            if result == .ignored, labels.extractors[i].followsHeaders { labels.extractors[i].observe(line) }
            return
        }
        let matched = labels.matchAny[i].contains(status)
        guard matched || labels.everyLine[i] else { return }
        var second = EventSecond.resolve(time, arrival: arrival, timeSource: inputs[i].timeSource, maxSkew: inputs[i].maxSkew).second
        // Live, a label group's ring never runs ahead of the arrival clock: a line stamped after
        // it is counted in its group at arrival.
        if clockMode == .live, second > arrival { second = arrival }
        let found = labels.extractors[i].extract(line)
        labels.host.removeAll(keepingCapacity: true)
        labels.path.removeAll(keepingCapacity: true)
        if let h = found.host { LabelText.host(line, h, into: &labels.host) }
        if let p = found.path { LabelText.path(line, p, into: &labels.path) }
        let host: [UInt8]? = labels.host.isEmpty ? nil : labels.host
        let path: [UInt8]? = found.path == nil ? nil : labels.path
        if matched {
            for (r, s) in watchers[i] where rules[r].rule.match.contains(status) {
                rules[r].series[s].top.add(code: status.rawValue, path: path, host: host, at: second)
            }
        }
        for r in labels.groupRules[i] {
            groupKey(rules[r].rule.groupBy, found, line, input: i)
            let k = groupSeries(r)
            if !rules[r].series[k].own!.count(status, at: second) {
                flushGroup(r, k)
                _ = rules[r].series[k].own!.count(status, at: second)
            }
            if rules[r].rule.match.contains(status) {
                rules[r].series[k].top.add(code: status.rawValue, path: path, host: host, at: second)
            }
        }
    }

    /// The group value of a line into `labels.key`: the keys' values joined by `,`; `-` for a
    /// label the line does not carry.
    private mutating func groupKey(_ keys: [GroupKey], _ found: LineLabels, _ line: UnsafeRawBufferPointer, input i: Int) {
        labels.key.removeAll(keepingCapacity: true)
        for g in keys {
            if !labels.key.isEmpty { labels.key.append(UInt8(ascii: ",")) }
            let before = labels.key.count
            switch g {
            case .input: labels.key.append(contentsOf: inputs[i].name.utf8)
            case .host: if let r = found.host { LabelText.host(line, r, into: &labels.key) }
            case .pathPrefix: if let r = found.path { LabelText.path(line, r, segments: 1, into: &labels.key) }
            case .upstream: if let r = found.upstream { LabelText.upstream(line, r, into: &labels.key) }
            case .pod: if let p = labels.pods[i] { labels.key.append(contentsOf: p.pod.utf8) }
            case .namespace: if let p = labels.pods[i] { labels.key.append(contentsOf: p.namespace.utf8) }
            case .container: if let p = labels.pods[i] { labels.key.append(contentsOf: p.container.utf8) }
            }
            if labels.key.count == before { labels.key.append(ASCII.dash) }
        }
    }

    /// The series of `labels.key` in rule `r`: found, created while under `max_groups`, else `other`.
    private mutating func groupSeries(_ r: Int) -> Int {
        for k in rules[r].series.indices where rules[r].series[k].group?.utf8.elementsEqual(labels.key) == true { return k }
        let named = rules[r].series.count(where: { $0.group != Self.otherGroup })
        if named < max(1, rules[r].rule.maxGroups) { return addGroup(r, String(decoding: labels.key, as: UTF8.self)) }
        if rules[r].folded.count < MonitoredRule.foldedShown, !rules[r].folded.contains(where: { $0.utf8.elementsEqual(labels.key) }) {
            rules[r].folded.append(String(decoding: labels.key, as: UTF8.self))
        }
        if let k = rules[r].series.firstIndex(where: { $0.group == Self.otherGroup }) { return k }
        return addGroup(r, Self.otherGroup)
    }

    static let otherGroup = "other"

    @discardableResult
    mutating func addGroup(_ r: Int, _ value: String, states: [String: AlertState] = [:]) -> Int {
        rules[r].series.append(RuleSeries(rule: rules[r].rule, group: value, inputs: rules[r].inputs, states: states,
                                          ownRing: rules[r].groupRing))
        return rules[r].series.count - 1
    }

    /// Moves a label group's batched second into its ring, and its sums along.
    mutating func flushGroup(_ r: Int, _ s: Int) {
        guard rules[r].series[s].own?.hasPending == true else { return }
        rules[r].series[s].own!.flush(changes: &changes)
        applyChanges(r, s)
        changes.removeAll(keepingCapacity: true)
    }

    mutating func flushGroups() {
        for r in rules.indices where rules[r].rule.groupsByLabel {
            for s in rules[r].series.indices { flushGroup(r, s) }
        }
    }

    /// Drops label groups with nothing left in their window whose alerts are all ok: a value seen
    /// once does not keep its ring for ever.
    mutating func evictIdleGroups(at s: Int64) {
        for r in rules.indices where rules[r].rule.groupsByLabel {
            let horizon = s - rules[r].rule.window
            rules[r].series.removeAll { series in
                guard let own = series.own, !own.hasPending else { return false }
                let newest = own.window.newest
                return (newest == .min || newest <= horizon) && series.tracks.allSatisfy { $0.state.phase == .ok }
            }
        }
    }

    /// Names the top paths and hosts behind the matching codes in this second's firing and pending
    /// transitions; a window read from coarse buckets (no codes) takes its codes from the same
    /// counters, scaled to its matched count.
    mutating func attachLabels(from start: Int) {
        for p in start..<produced.count where produced[p].kind == .firing || produced[p].kind == .pending {
            guard let r = rules.firstIndex(where: { $0.rule.name == produced[p].rule }),
                  let k = rules[r].series.firstIndex(where: { $0.group == produced[p].group }) else { continue }
            let top = rules[r].series[k].top
            if produced[p].codes.isEmpty, produced[p].matched > 0 {
                produced[p].codes = Self.scaled(top.codeCounts, to: produced[p].matched)
            }
            let report = top.report(codes: produced[p].codes.prefix(AlertMessage.codesShown).map(\.code))
            produced[p].topPaths = report.paths.isEmpty ? nil : report.paths
            produced[p].topHosts = report.hosts.isEmpty ? nil : report.hosts
            produced[p].byCode = report.byCode.isEmpty ? nil : report.byCode
        }
    }

    /// Code counts of recent lines scaled to `matched` requests (largest remainder keeps the sum).
    static func scaled(_ counts: [(code: StatusCode, count: UInt64)], to matched: UInt64) -> [CodeShare] {
        let total = counts.reduce(UInt64(0)) { $0 + $1.count }
        guard total > 0 else { return [] }
        var shares = counts.map { CodeShare(code: $0.code, count: UInt64(Double(matched) * Double($0.count) / Double(total))) }
        var left = matched - min(matched, shares.reduce(UInt64(0)) { $0 + $1.count })
        var k = 0
        while left > 0, !shares.isEmpty { shares[k % shares.count].count += 1; left -= 1; k += 1 }
        return shares.filter { $0.count > 0 }
    }

    /// The lines that follow, of input `i`, are from a pod's container log (`nil`: from another
    /// file): their `pod`, `namespace` and `container` for `group_by`.
    public mutating func enterSource(_ pod: PodLabels?, input i: Int) {
        guard labels.pods.indices.contains(i), labels.pods[i] != pod else { return }
        labels.pods[i] = pod
    }

    /// Reads input `i`'s labels as `format` (replay: each file its own format).
    public mutating func setLabelFormat(_ format: LogFormat, options: FormatOptions, input i: Int) {
        guard labels.extractors.indices.contains(i), labels.extractors[i].format != format else { return }
        labels.extractors[i] = LabelExtractor(format: format, options: options)
        labels.active[i] = labels.extractors[i].yieldsLabels && (!labels.matchAny[i].codes.isEmpty || labels.everyLine[i])
    }

    /// The ring of a label group's own tally: as long as the rings of the inputs it counts.
    static func groupRing(_ inputs: [InputConfig], _ rule: Rule) -> Int {
        RingLength.seconds(window: rule.exactWindow, latenesses: inputs.map(\.maxLatenessSeconds))
    }
}

extension MonitoredRule {
    /// After a reload, a label-grouped rule whose grouping, match and windows are unchanged keeps
    /// its groups (counts, sums, alerts).
    mutating func keepGroups(of old: [MonitoredRule]) {
        guard rule.groupsByLabel, let o = old.first(where: { $0.rule.name == rule.name }), o.rule.groupBy == rule.groupBy,
              o.rule.match == rule.match, o.rule.condition.windows == rule.condition.windows, o.groupRing == groupRing else { return }
        series = o.series
        folded = o.folded
    }
}
