import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

extension Tailer {
    /// Files to resume (from a checkpoint), and the inputs that were already seen before it.
    func restore(_ files: [FileCheckpoint], seenInputs: Set<String>, savedAt: Int64? = nil) {
        for f in files { resume[f.identity] = f }
        scannedInputs = seenInputs
        restoredSavedAt = savedAt
        restoredIdentities = Set(files.map(\.identity))
    }

    /// After a restart: a checkpointed file that is no longer at a configured path was rotated
    /// while statusd was down. Found by device and inode in its directory, it is finished from its
    /// saved offset before the new files are read.
    func resumeRotated<S: LineSink>(_ rotated: RescanPlan.RotatedWhileDown, into sink: inout S, now: Int64) {
        let cp = rotated.checkpoint
        let input = inputs[rotated.input].config
        // A symlink's file (Kubernetes) was rotated where the link points: look there too.
        let found = ([PathPattern(cp.path).directory] + linkDirectory(of: cp.path)).lazy.compactMap { dir in
            PathPattern.listDirectory(dir).first { path in
                guard case .success(let st) = FileStat.path(path), FileIdentity(st) == cp.identity else { return false }
                // The same inode with other first bytes is another file that got the number after
                // the rotated one was deleted (compressed): not it.
                return Self.hasFirstBytes(path, cp.fingerprint)
            }
        }.first
        resume[cp.identity] = nil
        defer { adoptUnseenRotations(near: cp, input: rotated.input, into: &sink, now: now) }
        guard let path = found else {
            // Compressed since: the `.gz` named after the file (or after the link's target).
            let dirs = [PathPattern(cp.path).directory] + linkDirectory(of: cp.path)
            if resumeCompressed(cp, input: rotated.input, in: dirs, names: [PathPattern(cp.path).name] + linkTargetName(of: cp.path),
                                into: &sink, now: now) { return }
            logger.warning("\(cp.path) was rotated away while statusd was down and cannot be found, plain or compressed; its unread end is lost",
                           metadata: ["input": "\(cp.input)"])
            return
        }
        makeRoom(now: now)
        guard case .success(let f) = TailedFile.open(path: path, input: cp.input, inputIndex: rotated.input, decoder: makeDecoder(input),
                                                     atEnd: false, now: now, offset: cp.offset) else { return }
        f.fingerprint = cp.fingerprint
        f.state = .draining
        logger.info("finishing \(path), rotated while statusd was down", metadata: ["offset": "\(cp.offset)"])
        while read(f, into: &sink, now: now) > 0 {}
        draining.append(f)
    }

    /// Whether the file at `path` begins with the bytes `fingerprint` covers.
    static func hasFirstBytes(_ path: String, _ fingerprint: Fingerprint) -> Bool {
        guard fingerprint.length > 0 else { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fingerprint.matches(fd: fd)
    }

    /// A kubelet link's file rotated while statusd was down may have had a successor the state
    /// file never saw: created after the last save (a `kill -9` just after a rotation) and rotated
    /// away too before the restart. Such a file, `0.log.<timestamp>` beside the link's target,
    /// written since the save and not in the state file, holds lines never counted: it is read
    /// from its start. (A file finished before the save stopped growing before it: not taken.)
    func adoptUnseenRotations<S: LineSink>(near cp: FileCheckpoint, input index: Int, into sink: inout S, now: Int64) {
        guard let savedAt = restoredSavedAt, let resolved = realpath(cp.path, nil) else { return }
        let target = String(cString: resolved)
        free(resolved)
        let dir = PathPattern(target).directory
        guard target != cp.path, dir != PathPattern(cp.path).directory, searchedForUnseen.insert(dir).inserted else { return }
        let base = PathPattern(target).name + "."
        let input = inputs[index].config
        for path in PathPattern.listDirectory(dir) where PathPattern(path).name.hasPrefix(base) {
            guard case .success(let st) = FileStat.path(path), (st.st_mode & S_IFMT) == S_IFREG, Int64(st.st_mtim.tv_sec) >= savedAt else { continue }
            let id = FileIdentity(st)
            guard !restoredIdentities.contains(id), !active.values.contains(where: { $0.identity == id }),
                  !draining.contains(where: { $0.identity == id }) else { continue }
            makeRoom(now: now)
            guard case .success(let f) = TailedFile.open(path: path, input: input.name, inputIndex: index, decoder: makeDecoder(input),
                                                         atEnd: false, now: now) else { continue }
            f.state = .draining
            logger.info("reading \(path): created and rotated away while statusd was down", metadata: ["input": "\(input.name)"])
            while read(f, into: &sink, now: now) > 0 {}
            draining.append(f)
            generation &+= 1
        }
    }

    /// A file renamed away from a configured path before statusd ever opened it (two rotations
    /// in quick succession): it was created after the last scan, so it is read from its start.
    func adoptUnseen<S: LineSink>(_ from: String, renamedTo to: String, into sink: inout S, now: Int64) {
        guard case .success(let st) = FileStat.path(to), (st.st_mode & S_IFMT) == S_IFREG else { return }
        let id = FileIdentity(st)
        guard !active.values.contains(where: { $0.identity == id }), !draining.contains(where: { $0.identity == id }) else { return }
        let fromPattern = PathPattern(from)
        guard let index = inputs.firstIndex(where: { input in
            scannedInputs.contains(input.config.name) && input.patterns.contains { p in
                p.directory == fromPattern.directory && p.matches(name: fromPattern.name)
            }
        }) else { return }
        let input = inputs[index].config
        makeRoom(now: now)
        guard case .success(let f) = TailedFile.open(path: to, input: input.name, inputIndex: index, decoder: makeDecoder(input),
                                                     atEnd: false, now: now) else { return }
        if let end = finishedOffset(of: f) {
            // Drained and closed already (the event came late): only what was written since.
            f.offset = end
            f.state = .draining
            read(f, into: &sink, now: now)
            draining.append(f)
            return
        }
        f.state = .draining
        logger.info("reading \(to): rotated away from \(from) before it was seen", metadata: ["input": "\(input.name)"])
        read(f, into: &sink, now: now)
        draining.append(f)
        generation &+= 1
    }

    /// Where `f` (just opened) ended when it was drained and closed, if it was and its first bytes
    /// are still the same.
    func finishedOffset(of f: TailedFile) -> UInt64? {
        guard let done = finished[f.identity], done.fingerprint.matches(fd: f.fd), f.size >= done.offset else { return nil }
        f.fingerprint = done.fingerprint
        return done.offset
    }
}
