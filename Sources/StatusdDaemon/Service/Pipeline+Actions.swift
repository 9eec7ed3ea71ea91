import Logging
import StatusdCore

extension PipelineDriver {
    /// Does what the engine answered: log lines and echoes in order, then the state files, then
    /// delivery's doorbell (a notification is saved before anyone is told). `false` when a file
    /// the actions asked for could not be written.
    @discardableResult
    func perform(_ actions: [EngineAction], now: Int64) -> Bool {
        guard !actions.isEmpty else { return true }
        var saveState = false, saveSilences = false, wake = false
        for action in actions {
            switch action {
            case .log(let line): log(line)
            case .queued(let t): if echoToStderr { StderrAlertEcho.write(t) }
            case .saveState: saveState = true
            case .saveSilences: saveSilences = true
            case .wakeDelivery: wake = true
            case .sinkGaveUp(let sink, let error): board.failed(sink, error: error, at: now)
            }
        }
        var ok = true
        if saveSilences { ok = writeSilences() && ok }
        if saveState {
            saveCheckpoint(now: now, force: true)
            ok = !checkpointFailing && ok
        }
        if wake { doorbell.ring() }
        return ok
    }

    /// Writes the engine's silences to `silences.json`; says so when it cannot.
    func writeSilences() -> Bool {
        do {
            try silenceFile.save(engine.silences)
            return true
        } catch {
            logger.error("cannot write the silences file: \(error)", metadata: ["path": "\(silenceFile.path)"])
            return false
        }
    }

    private func log(_ line: EngineLog) {
        let level: Logger.Level = switch line.level {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
        logger.log(level: level, "\(line.message)", metadata: line.metadata.isEmpty ? nil : line.metadata.mapValues { .string($0) })
    }
}
