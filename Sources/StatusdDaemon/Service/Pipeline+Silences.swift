import StatusdCore

/// `statusd silence` over the status socket: the engine decides (`AlertEngine+Silences`); each
/// change is written to `silences.json` before it is answered, and taken back when it cannot be.
extension Pipeline {
    /// Adds a silence for a rule of the running config and saves it before answering.
    package func addSilence(_ request: SilenceRequest) throws(SilenceFailure) -> Silence {
        try driver.withLock { $0.addSilence(request) }.get()
    }

    /// Removes silence `id`; nil when there is none in force.
    package func removeSilence(id: String) throws(SilenceFailure) -> Silence? {
        try driver.withLock { $0.removeSilence(id: id) }.get()
    }

    /// The silences in force now, then those scheduled to start later (`--start`).
    package func activeSilences() -> [Silence] {
        driver.withLock { $0.engine.listedSilences(now: $0.clock()) }
    }
}

extension PipelineDriver {
    func addSilence(_ request: SilenceRequest) -> Result<Silence, SilenceFailure> {
        do {
            let now = clock()
            var generator = SystemRandomNumberGenerator()
            let before = engine.silences
            let answer: (silence: Silence, actions: [EngineAction])
            do throws(SilenceError) {
                answer = try engine.addSilence(request, id: Silence.makeID(using: &generator), now: now)
            } catch {
                return .failure(.refused(error))
            }
            guard writeSilences() else {
                engine.silences = before
                return .failure(.notSaved("cannot write \(silenceFile.path)"))
            }
            perform(answer.actions.filter { $0 != .saveSilences }, now: now)
            return .success(answer.silence)
        }
    }

    func removeSilence(id: String) -> Result<Silence?, SilenceFailure> {
        do {
            let now = clock()
            let before = engine.silences
            let answer = engine.removeSilence(id: id, now: now)
            if answer.actions.contains(.saveSilences), !writeSilences() {
                engine.silences = before
                return .failure(.notSaved("cannot write \(silenceFile.path)"))
            }
            perform(answer.actions.filter { $0 != .saveSilences }, now: now)
            return .success(answer.silence)
        }
    }
}
