import StatusdParse

/// Silences (`statusd silence`): added, removed, listed, and the gate each notification passes.
/// Each change returns `.saveSilences`: the driver writes `silences.json` before it answers, and
/// takes the list back (`silences = before`) when it cannot.
extension AlertEngine {
    /// Adds a silence for a rule or input of the running config.
    public mutating func addSilence(_ request: SilenceRequest, id: String, now: Int64) throws(SilenceError) -> (silence: Silence, actions: [EngineAction]) {
        let rules = config.rules, inputs = config.inputs.map(\.name)
        var copy = silences
        _ = copy.prune(at: now)
        let silence = try copy.add(request, rules: rules, inputs: inputs, id: id, now: now)
        var actions = changeSilences(to: copy)
        actions.log(.notice, "silence \(silence.id) added: \(SafeText.field(silence.target)) until \(CivilTime.iso8601(silence.until)): \(SafeText.field(silence.reason))",
                    ["rule": silence.rule, "silence": silence.id])
        return (silence, actions)
    }

    /// Removes silence `id`; nil when there is none in force.
    public mutating func removeSilence(id: String, now: Int64) -> (silence: Silence?, actions: [EngineAction]) {
        var copy = silences
        _ = copy.prune(at: now)
        let removed = copy.remove(id: id)
        var actions = changeSilences(to: copy)
        if let s = removed {
            actions.log(.notice, "silence \(s.id) removed: \(SafeText.field(s.target))", ["rule": s.rule, "silence": s.id])
        }
        return (removed, actions)
    }

    /// The silences in force now, then those scheduled to start later (`--start`).
    public func listedSilences(now: Int64) -> [Silence] {
        silences.active(at: now) + silences.pending(at: now).filter { !$0.isActive(at: now) }
    }

    /// The silence that keeps `t` from being sent, if any (recording silenced episodes so their
    /// resolved notice stays quiet too). A maintenance window in force counts as a silence.
    mutating func silence(for t: AlertTransition, now: Int64, into actions: inout [EngineAction]) -> Silence? {
        let maintenance = maintenanceSilence(for: t, now: now)
        guard !silences.silences.isEmpty || !silences.quietEpisodes.isEmpty || maintenance != nil else { return nil }
        var copy = silences
        _ = copy.prune(at: now)
        let s = copy.swallows(rule: t.rule, group: t.group, alertID: t.alertID, kind: t.kind, at: now, also: maintenance)
        actions += changeSilences(to: copy)
        return s
    }

    private mutating func changeSilences(to list: SilenceList) -> [EngineAction] {
        guard list != silences else { return [] }
        silences = list
        return [.saveSilences]
    }
}
