import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

extension Tailer {
    /// Matches every pattern against its directory and brings the open files in line with a
    /// `RescanPlan`: a path whose file changed (rotation) drains the old file and opens the new
    /// one from its first byte; a file seen under a new matching name keeps its offset.
    func rescan<S: LineSink>(into sink: inout S, now: Int64) {
        rescanWanted = false
        // A directory that cannot be listed for want of descriptors (or memory) says nothing about
        // its files: nothing is drained or reopened on its account; the scan is tried again.
        guard let matched = matchedPaths() else {
            rescanWanted = true
            return
        }
        let plan = RescanPlan(
            active: active.values.map { RescanPlan.OpenFile(path: $0.path, identity: $0.identity, input: $0.input) },
            draining: draining.map(\.identity), matched: matched, inputs: inputs.map(\.config),
            scannedInputs: scannedInputs, resume: resume)

        var stillActive: [String: TailedFile] = [:]
        for move in plan.keep {
            let f = active[move.from]!
            f.path = move.to
            stillActive[move.to] = f
        }
        var drained: [TailedFile] = []
        for path in plan.drain {
            let f = active[path]!
            f.state = .draining
            // The quiet time before it is closed counts from the rotation: an idle file's writer
            // may still write to it until it reopens its log.
            f.lastGrowth = max(f.lastGrowth, now)
            draining.append(f)
            drained.append(f)
        }
        relocateClosed(drained)
        active = stillActive
        for rotated in plan.rotatedWhileDown { resumeRotated(rotated, into: &sink, now: now) }
        for step in plan.steps {
            switch step {
            case .reactivate(let identity, let path):
                let k = draining.firstIndex { $0.identity == identity }!
                let f = draining.remove(at: k)
                f.state = .reading
                f.path = path
                active[path] = f
            case .open(let path, let input, let start):
                open(path, input: input, from: start, into: &sink, now: now)
            }
        }
        for input in inputs { scannedInputs.insert(input.config.name) }
        resume = [:]
        pruneLinks()
        // Files that vanished from a rescan's error list are fine again.
        // Only a path that is gone (ENOENT): one that still fails (ELOOP, ENOTDIR) stays reported.
        for path in errors.keys where !matched.contains(where: { $0.path == path }) && access(path, F_OK) != 0 && errno == ENOENT {
            errors[path] = nil
        }
    }

    /// Every regular file the patterns match now, with its identity, in input and pattern order.
    private func matchedPaths() -> [RescanPlan.MatchedPath]? {
        var matched: [RescanPlan.MatchedPath] = []
        for (index, input) in inputs.enumerated() {
            for pattern in input.patterns {
                let paths: [String]
                switch pattern.matchingPathsOrError() {
                case .success(let p): paths = p
                case .failure(let e) where e.code == EMFILE || e.code == ENFILE || e.code == ENOMEM:
                    logger.warning("cannot list \(pattern.directory) (\(e)); keeping its files as they are, trying again")
                    return nil
                case .failure: paths = []
                }
                for path in paths {
                    switch FileStat.path(path) {
                    case .success(let st):
                        guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
                        matched.append(RescanPlan.MatchedPath(path: path, identity: FileIdentity(st), input: index))
                    case .failure(let e):
                        if e.code != ENOENT { noteError(path, e) }
                    }
                }
            }
        }
        return matched
    }

    private func open<S: LineSink>(_ path: String, input index: Int, from start: RescanPlan.Start, into sink: inout S, now: Int64) {
        let config = inputs[index].config
        var saved: FileCheckpoint?
        if case .saved(let cp) = start { saved = cp }
        let opened: Result<TailedFile, Errno> = makeRoom(now: now)
            ? TailedFile.open(path: path, input: config.name, inputIndex: index, decoder: makeDecoder(config),
                              atEnd: start == .end, now: now, offset: saved?.offset)
            : .failure(Errno(EMFILE))
        if case .failure(let e) = opened, e.code == EMFILE || e.code == ENFILE, case .success(let st) = FileStat.path(path) {
            // No descriptor: the file waits, from where it would have been read.
            let offset = saved?.offset ?? (start == .end ? UInt64(st.st_size) : 0)
            let f = TailedFile.waiting(path: path, input: config.name, inputIndex: index, identity: FileIdentity(st), offset: offset,
                                       fingerprint: saved?.fingerprint ?? .empty, decoder: makeDecoder(config), now: now,
                                       error: hasRoom ? "cannot open: \(e)" : "more files than descriptors: \(descriptorBudget) open at most")
            active[path] = f
            errors[path] = nil
            generation &+= 1
            logger.debug("cannot open \(path) yet; waiting", metadata: ["offset": "\(offset)"])
            return
        }
        switch opened {
        case .success(let f):
            // The saved fingerprint makes `read` check that this is still the file it was.
            if let saved { f.fingerprint = saved.fingerprint }
            // A drained file that shows up at a matched path again resumes where it ended.
            if saved == nil, start == .beginning, let end = finishedOffset(of: f) { f.offset = end }
            active[path] = f
            generation &+= 1
            followLink(path)
            if errors.removeValue(forKey: path) != nil { logger.notice("can read \(path) again") }
            logger.info("following \(path)", metadata: ["input": "\(config.name)", "offset": "\(f.offset)"])
            read(f, into: &sink, now: now)
        case .failure(let e):
            noteError(path, e)
        }
    }
}
