import Logging
import StatusdCore

extension Pipeline {
    /// Takes back counts, windows, alert states, the evaluation point, the outbox and the files'
    /// offsets from the state file. Called with the lock held, before the files are opened.
    func restoreCheckpoint(now: Int64) {
        checkpoints.silences.load(now: now)
        // After the saved health board is back: a state file found corrupt is listed in `health`.
        defer { noteStateLoad(now: now) }
        guard let cp = checkpoints.load(now: now) else { return }
        if let saved = cp.health { selfHealth.board.restore(saved) }
        monitor.restore(cp.monitor)
        distrustSavedFuture(now: now)
        if var saved = cp.outbox {
            saved.retain(sinks: Set(board.names))
            outbox = saved
        }
        tailer.restore(cp.files, seenInputs: Set(cp.inputs.keys), savedAt: cp.savedAt)
        journals.restore(cp.journalCursors ?? [:])
        let firing = cp.alerts.filter { $0.value.phase == .firing }.map(\.key).sorted()
        logger.notice("resumed from the state file", metadata: [
            "files": "\(cp.files.count)", "saved_at": "\(CivilTime.iso8601(cp.savedAt))",
            "firing": "\(firing.joined(separator: ","))", "queued": "\(outbox.entries.count)",
        ])
    }

    /// Saves offsets, totals, windows, alert states and the outbox in one atomic write, when
    /// anything was read (or `force`). Called with the lock held.
    func saveCheckpoint(now: Int64, force: Bool = false) {
        let generation = tailer.generation &+ journals.generation &+ syslogs.generation
        guard force || generation != savedGeneration else { return }
        var cp = Checkpoint(savedAt: now, monitor: monitor.snapshot(), files: tailer.checkpoints, outbox: outbox)
        let cursors = journals.cursors
        if !cursors.isEmpty { cp.journalCursors = cursors }
        cp.health = selfHealth.board
        do {
            try checkpoints.save(cp)
            noteStateWrite(now: now, error: nil)
            savedGeneration = generation
            if checkpointFailing {
                checkpointFailing = false
                logger.notice("the state file can be written again", metadata: ["path": "\(checkpoints.path)"])
            }
        } catch {
            if !checkpointFailing {
                logger.error("cannot write the state file: \(error); counts and queued alerts will not survive a restart",
                             metadata: ["path": "\(checkpoints.path)"])
            }
            checkpointFailing = true
            noteStateWrite(now: now, error: "\(error)")
        }
    }
}
