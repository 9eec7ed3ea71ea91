/// What the monitor saves in a checkpoint: every input's counts and window, every alert's state
/// (keyed `rule`, `rule[group]`, `rule/track`), long-window buckets of the series that have them,
/// and how far evaluation got, so a restart neither pages again nor re-evaluates seconds it
/// already did, and a 3-day burn rate survives it.
public struct MonitorSnapshot: Codable, Sendable, Equatable {
    public var inputs: [String: TallySnapshot]
    public var alerts: [String: AlertState]
    public var evaluatedThrough: Int64?
    public var clock: Int64?
    /// Long-window buckets by series (`rule`, `rule[group]`); nil in state files from before them.
    public var long: [String: TieredCountsSnapshot]?
    /// Label groups' own counts (`group_by: [host]`) by series (`rule[group]`); nil when none.
    public var groups: [String: TallySnapshot]?
    /// Since when each input was watched (absence is proven only after it); nil in older files.
    public var watchedSince: [String: Int64]?
    /// Hourly buckets of series with a seasonal baseline (`rule`, `rule[group]`); nil when none.
    public var seasonal: [String: TieredCountsSnapshot]?
    /// SLO pairs held after a quick all-clear, by alert key (`rule/page`); nil when none.
    public var held: [String: Int]?

    public init(inputs: [String: TallySnapshot], alerts: [String: AlertState], evaluatedThrough: Int64?, clock: Int64?,
                long: [String: TieredCountsSnapshot]? = nil, groups: [String: TallySnapshot]? = nil) {
        self.groups = groups
        self.inputs = inputs
        self.alerts = alerts
        self.evaluatedThrough = evaluatedThrough
        self.clock = clock
        self.long = long
    }
}

extension Monitor {
    /// The monitor as a checkpoint stores it.
    public mutating func snapshot() -> MonitorSnapshot {
        flushAll()
        var tallies: [String: TallySnapshot] = [:]
        for i in inputs { tallies[i.name] = i.tally.snapshot }
        var alerts: [String: AlertState] = [:]
        var long: [String: TieredCountsSnapshot] = [:]
        var groups: [String: TallySnapshot] = [:]
        var seasonal: [String: TieredCountsSnapshot] = [:]
        var held: [String: Int] = [:]
        for r in rules {
            for s in r.series {
                if let own = s.own { groups[s.longKey(r.rule.name)] = own.snapshot }
                if let hours = s.seasonal { seasonal[s.longKey(r.rule.name)] = hours.snapshot }
                for t in s.tracks {
                    alerts[t.key] = t.state
                    if t.held != 0 { held[t.key] = Int(t.held) }
                }
                if !s.long.isEmpty { long[s.longKey(r.rule.name)] = s.long.snapshot }
            }
        }
        var snapshot = MonitorSnapshot(inputs: tallies, alerts: alerts, evaluatedThrough: evaluatedThrough,
                                       clock: clock == .min ? nil : clock, long: long.isEmpty ? nil : long,
                                       groups: groups.isEmpty ? nil : groups)
        var watched: [String: Int64] = [:]
        for i in inputs { if let w = i.watchedSince, w != .min { watched[i.name] = w } }
        snapshot.watchedSince = watched.isEmpty ? nil : watched
        snapshot.seasonal = seasonal.isEmpty ? nil : seasonal
        snapshot.held = held.isEmpty ? nil : held
        return snapshot
    }

    /// Takes back saved counts, windows, alert states, long-window buckets and the evaluation
    /// point, for the inputs, rules and groups that still exist.
    public mutating func restore(_ s: MonitorSnapshot) {
        for i in inputs.indices {
            if let t = s.inputs[inputs[i].name] {
                inputs[i].tally = InputTally(snapshot: t, windowSeconds: inputs[i].tally.window.capacity)
                if let newest = inputs[i].tally.window.newest.nonNegative, newest > newestData { newestData = newest }
            }
        }
        restoreGroups(s)
        for r in rules.indices {
            for k in rules[r].series.indices {
                for t in rules[r].series[k].tracks.indices {
                    if let state = s.alerts[rules[r].series[k].tracks[t].key] { rules[r].series[k].tracks[t].state = state }
                    rules[r].series[k].tracks[t].held = UInt8(truncatingIfNeeded: s.held?[rules[r].series[k].tracks[t].key] ?? 0)
                }
                if let saved = s.seasonal?[rules[r].series[k].longKey(rules[r].rule.name)] { rules[r].series[k].seasonal?.restore(saved) }
                for e in rules[r].series[k].exact.indices { rules[r].series[k].exact[e].invalidate() }
                if let saved = s.long?[rules[r].series[k].longKey(rules[r].rule.name)] { rules[r].series[k].long.restore(saved) }
            }
        }
        evaluatedThrough = s.evaluatedThrough
        if let c = s.clock { clock = c }
        // Absence is proven from when the resumed state was watching; an input it did not know
        // is watched from its evaluation point.
        for i in inputs.indices {
            if let w = s.watchedSince?[inputs[i].name] {
                inputs[i].watchedSince = w
            } else if s.inputs[inputs[i].name] != nil {
                inputs[i].watchedSince = .min
            } else {
                inputs[i].watchedSince = s.evaluatedThrough
            }
        }
    }

    /// Label groups come back with their counts, for rules that still group by labels.
    private mutating func restoreGroups(_ s: MonitorSnapshot) {
        guard let saved = s.groups else { return }
        for r in rules.indices where rules[r].rule.groupsByLabel {
            let head = rules[r].rule.name + "["
            for key in saved.keys.sorted() where key.hasPrefix(head) && key.hasSuffix("]") {
                let value = String(key.dropFirst(head.count).dropLast())
                var k = rules[r].series.firstIndex { $0.group == value }
                if k == nil { k = addGroup(r, value) }
                rules[r].series[k!].own = InputTally(snapshot: saved[key]!, windowSeconds: rules[r].groupRing)
            }
        }
    }

    /// Input `name`'s tally, its batch flushed.
    public func tally(of name: String) -> InputTally? {
        guard var t = inputs.first(where: { $0.name == name })?.tally else { return nil }
        t.flush()
        return t
    }

    /// Rule `name`'s alert state: the worst of its groups and tracks.
    public func state(of name: String) -> AlertState? {
        rules.first { $0.rule.name == name }?.state
    }

    /// The state of one alert of rule `name`: a group value, a track.
    public func state(of name: String, group: String?, track: String? = nil) -> AlertState? {
        rules.first { $0.rule.name == name }?.series.first { $0.group == group }?.tracks.first { $0.name == track }?.state
    }
}

extension Int64 {
    /// `nil` for the `.min` that marks "none yet".
    public var nonNegative: Int64? { self == .min ? nil : self }
}
