import Logging
import StatusdCore

/// The state files (`CheckpointStore`): a rare snapshot of windows and offsets, and a small file
/// written whenever what was told to the world changes (the outbox, episodes, health board, the
/// keys of decided notifications). See README, "State and restarts".
extension PipelineDriver {
    /// Takes back counts, windows, alert states, the evaluation point and the files' offsets from
    /// the snapshot, and the outbox, episodes, health board and decided keys from the small file
    /// (newer than the snapshot's copy). Before the files are opened.
    func restoreCheckpoint(now: Int64) {
        engine.silences = silenceFile.load(now: now)
        // After the saved health board is back: a state file found corrupt is listed in `health`.
        defer { noteStateLoad(now: now) }
        guard let cp = checkpoints.load(now: now) else { return }
        checkpoints.restored = true
        let durable = checkpoints.loadDurable(now: now)
        if let saved = durable?.health ?? cp.health { engine.health.restore(saved) }
        if let p = checkpoints.durableProblem {
            engine.record(Degradation(
                kind: .stateCorrupt, subject: checkpoints.durablePath,
                detail: "the small state file was unreadable (\(p.error)) and is set aside as \(p.movedTo): queued notifications resume from the snapshot; one queued or acknowledged since may be sent again",
                since: now))
        }
        engine.monitor.restore(cp.monitor)
        distrustSavedFuture(now: now)
        if var saved = durable?.outbox ?? cp.outbox {
            saved.retain(sinks: Set(engine.sinkNames))
            engine.outbox = saved
        }
        engine.decided = durable?.decided ?? [:]
        restoreSources(from: cp)
        let firing = cp.alerts.filter { $0.value.phase == .firing }.map(\.key).sorted()
        logger.notice("resumed from the state file", metadata: [
            "files": "\(cp.files.count)", "saved_at": "\(CivilTime.iso8601(cp.savedAt))",
            "firing": "\(firing.joined(separator: ","))", "queued": "\(engine.outbox.entries.count)",
            "decided_since": "\(engine.decided.count)",
        ])
    }

    /// `force`: the outbox, episodes or health board changed: the small file is written now.
    /// Otherwise (once a second): a snapshot when lines were read and `snapshotInterval` has
    /// passed since the last one.
    func saveCheckpoint(now: Int64, force: Bool = false) {
        if force {
            saveDurable(now: now)
            return
        }
        let generation = sourcesGeneration
        guard generation != savedGeneration else { return }
        // A full disk is seen at once (health), not when the snapshot falls due; once there is
        // room again, what was read meanwhile is saved at once.
        if let short = checkpoints.spaceShortage() {
            checkpoints.spaceError = short
            noteStateWrites(now: now)
            return
        }
        let wasShort = checkpoints.spaceError != nil
        checkpoints.spaceError = nil
        let last = checkpoints.lastSnapshotAt
        guard wasShort || last == .min || now - last >= checkpoints.snapshotInterval || now < last else { return }
        saveSnapshot(now: now)
    }

    /// Writes the snapshot (windows with the offsets and journal cursors they correspond to),
    /// then the small file beside it. On start, reload, clean shutdown and every
    /// `snapshotInterval` while lines are read.
    func saveSnapshot(now: Int64) {
        let generation = sourcesGeneration
        let snapshot = engine.monitor.snapshot()
        var cp = Checkpoint(savedAt: now, monitor: snapshot, files: [], outbox: engine.outbox)
        recordSources(in: &cp)
        cp.health = engine.health
        do {
            checkpoints.lastSnapshotBytes = try checkpoints.save(cp)
            checkpoints.lastSnapshotAt = now
            checkpoints.snapshotError = nil
            savedGeneration = generation
            // Transitions up to the snapshot's evaluation point cannot come back from re-reading.
            engine.snapshotSaved(evaluatedThrough: snapshot.evaluatedThrough)
        } catch {
            // Tried again 10 s later, not every second.
            checkpoints.lastSnapshotAt = now - max(0, checkpoints.snapshotInterval - 10)
            checkpoints.snapshotError = "\(error)"
        }
        saveDurable(now: now)
    }

    /// Writes the small file (outbox, episodes, health board, decided keys).
    private func saveDurable(now: Int64) {
        let state = DurableState(savedAt: now, outbox: engine.outbox, health: engine.health, decided: engine.decided,
                                 snapshotAt: checkpoints.lastSnapshotAt == .min ? nil : checkpoints.lastSnapshotAt)
        do {
            try checkpoints.saveDurable(state)
            checkpoints.durableError = nil
        } catch {
            checkpoints.durableError = "\(error)"
        }
        noteStateWrites(now: now)
    }

    /// Health and the log follow both files: failing while either cannot be written.
    private func noteStateWrites(now: Int64) {
        let error = checkpoints.durableError ?? checkpoints.snapshotError ?? checkpoints.spaceError
        noteStateWrite(now: now, error: error)
        if let error {
            if !checkpointFailing {
                logger.error("cannot write the state file: \(error); counts and queued alerts will not survive a restart",
                             metadata: ["path": "\(checkpoints.path)"])
            }
            checkpointFailing = true
        } else if checkpointFailing {
            checkpointFailing = false
            logger.notice("the state file can be written again", metadata: ["path": "\(checkpoints.path)"])
        }
    }
}
