import StatusdCore

extension Pipeline {
    /// Why a silence request failed: the request (400) or the state directory (500).
    public enum SilenceFailure: Error, CustomStringConvertible {
        case refused(SilenceError)
        case notSaved(String)

        public var description: String {
            switch self {
            case .refused(let e): return e.description
            case .notSaved(let why): return "the silence could not be saved: \(why)"
            }
        }
    }

    /// Adds a silence for a rule of the running config and saves it before answering.
    public func addSilence(_ request: SilenceRequest) throws(SilenceFailure) -> Silence {
        try lock.withLock { () -> Result<Silence, SilenceFailure> in
            let now = clock()
            let rules = config.rules, inputs = config.inputs.map(\.name)
            var generator = SystemRandomNumberGenerator()
            let id = Silence.makeID(using: &generator)
            let silence: Silence
            do {
                silence = try checkpoints.silences.update(now: now) { list in try list.add(request, rules: rules, inputs: inputs, id: id, now: now) }
            } catch let e as SilenceError {
                return .failure(.refused(e))
            } catch {
                return .failure(.notSaved("\(error)"))
            }
            logger.notice("silence \(silence.id) added: \(SafeText.field(silence.target)) until \(CivilTime.iso8601(silence.until)): \(SafeText.field(silence.reason))",
                          metadata: ["rule": "\(silence.rule)", "silence": "\(silence.id)"])
            return .success(silence)
        }.get()
    }

    /// Removes silence `id`; nil when there is none in force.
    public func removeSilence(id: String) throws(SilenceFailure) -> Silence? {
        try lock.withLock { () -> Result<Silence?, SilenceFailure> in
            let removed: Silence?
            do {
                removed = try checkpoints.silences.update(now: clock()) { $0.remove(id: id) }
            } catch {
                return .failure(.notSaved("\(error)"))
            }
            if let s = removed {
                logger.notice("silence \(s.id) removed: \(SafeText.field(s.target))", metadata: ["rule": "\(s.rule)", "silence": "\(s.id)"])
            }
            return .success(removed)
        }.get()
    }

    /// The silences in force now, then those scheduled to start later (`--start`).
    public func activeSilences() -> [Silence] {
        lock.withLock {
            let now = clock()
            checkpoints.silences.load(now: now)
            let list = checkpoints.silences.list
            return list.active(at: now) + list.pending(at: now).filter { !$0.isActive(at: now) }
        }
    }

    /// The silence that keeps `t` from being sent, if any (recording silenced episodes so their
    /// resolved notice stays quiet too). Called with the lock held.
    func silence(for t: AlertTransition, now: Int64) -> Silence? {
        let store = checkpoints.silences
        store.load(now: now)
        // A maintenance window in force counts as a silence, recorded the same way.
        let maintenance = maintenanceSilence(for: t, now: now)
        guard !store.list.silences.isEmpty || !store.list.quietEpisodes.isEmpty || maintenance != nil else { return nil }
        do {
            return try store.update(now: now) { $0.swallows(rule: t.rule, group: t.group, alertID: t.alertID, kind: t.kind, at: now, also: maintenance) }
        } catch {
            logger.error("cannot write the silences file: \(error)", metadata: ["path": "\(store.path)"])
            return store.list.covering(rule: t.rule, group: t.group, at: now) ?? maintenance
        }
    }
}
