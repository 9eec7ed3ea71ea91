import Logging
import StatusdCore
import StatusdFiles

/// What the driver knows of its own trouble between ticks, for the engine's `HealthBoard` (one
/// stored property of `Pipeline`, so the feature stays in this file).
struct PipelineHealth {
    /// The state file cannot be written: since when, and why.
    var stateWriteFailure: (since: Int64, error: String)?
    /// When the reload named in `lastReloadError` failed.
    var reloadFailedAt: Int64?
}

extension PipelineDriver {
    /// Once a second: gathers the degradations that hold now and the
    /// sinks' one-off events, and hands them to the engine, which sends the self-alerts its
    /// health board asks for.
    func checkHealth(now: Int64) {
        var observed: [Degradation] = []
        if let f = selfHealth.stateWriteFailure {
            observed.append(Degradation(
                kind: .stateNotWritable, subject: checkpoints.path,
                detail: "cannot write the state file: \(f.error); counts, offsets and queued alerts will not survive a restart",
                since: f.since))
        }
        if let err = lastReloadError {
            observed.append(Degradation(kind: .reloadFailed, detail: "\(err); the previous config keeps running",
                                        since: selfHealth.reloadFailedAt ?? now))
        }
        // What keeps any source from reading: files that cannot be opened, a journal that cannot
        // be opened, a syslog address that cannot be bound.
        for source in sources {
            for u in source.unreadable {
                observed.append(Degradation(kind: .inputUnreadable, subject: u.subject, detail: u.detail, since: now))
            }
        }
        let waiting = (tailer.draining + tailer.active.values).compactMap { f in f.waitingSince.map { (f, $0) } }
        if let oldest = waiting.min(by: { ($0.1, $0.0.path) < ($1.1, $1.0.path) }) {
            observed.append(Degradation(
                kind: .filesWaiting,
                detail: "\(waiting.count) file\(waiting.count == 1 ? "" : "s") wait for a descriptor (open-file limit reached), offsets kept; the first is \(oldest.0.path)",
                since: oldest.1))
        }
        let exhausted = tailer.watcher.exhaustedDirectories
        if !exhausted.isEmpty {
            observed.append(Degradation(
                kind: .inotifyExhausted,
                detail: "inotify watch limit reached (fs.inotify.max_user_watches); polling \(exhausted.sorted().prefix(5).joined(separator: ", "))"
                    + (exhausted.count > 5 ? " and \(exhausted.count - 5) more" : ""),
                since: now))
        }
        let sinks = board.degradations(outbox: engine.outbox, now: now)
        observed += sinks.conditions
        let observations = AlertEngine.Observations(conditions: observed, events: sinks.events, working: board.workingNames())
        perform(engine.checkHealth(now: now, observed: observations), now: now)
    }

    /// The `health` section of status.
    func healthReport(now: Int64) -> HealthReport {
        HealthReport(engine.health.degradations, alerted: Set(engine.health.alerted.keys),
                     alertAfterSeconds: config.health.alertAfterSeconds, now: now)
    }

    /// Records how the state file was found at start (after `checkpoints.load`).
    func noteStateLoad(now: Int64) {
        guard let p = checkpoints.loadProblem else { return }
        let detail: String
        if let prev = p.fellBackTo {
            detail = "the newest state file was unreadable (\(p.error)) and is set aside as \(p.movedTo); resumed from the previous generation saved at \(CivilTime.iso8601(prev)): files are re-read from its offsets and counted once, alerts resume from its states"
        } else {
            let starts = Set(config.inputs.map(\.startAt.rawValue)).sorted().joined(separator: "/")
            detail = "the state file was unreadable (\(p.error)) and is set aside as \(p.movedTo), with no previous generation: totals and windows reset, files start at start_at (\(starts)): with end, lines written while statusd was down are not counted; with beginning, alerts in them are sent again"
        }
        engine.record(Degradation(kind: .stateCorrupt, subject: checkpoints.path, detail: detail, since: now))
    }

    /// The state file could (`error` nil) or could not be written.
    func noteStateWrite(now: Int64, error: String?) {
        if let error {
            if selfHealth.stateWriteFailure == nil { selfHealth.stateWriteFailure = (now, error) }
            else { selfHealth.stateWriteFailure?.error = error }
        } else {
            selfHealth.stateWriteFailure = nil
        }
    }
}
