import Logging
import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// Follows the files that the inputs' paths and globs match, through appends, rotation,
/// truncation and deletion, and feeds their bytes to the inputs' tallies.
///
/// Driven by inotify on the containing directories: no polling while idle. A slow safety rescan
/// catches directories that appear later and anything an overflowing event queue lost.
final class Tailer {
    struct Pattern: Equatable {
        var directory: String
        var name: String
        var isGlob: Bool
    }

    struct Input: Equatable {
        var config: InputConfig
        var patterns: [Pattern]
    }

    private(set) var inputs: [Input] = []
    /// Files at configured paths, by path.
    private(set) var active: [String: TailedFile] = [:]
    /// Files rotated away or replaced, read until they stop growing.
    private(set) var draining: [TailedFile] = []
    /// Paths that match but cannot be opened, with why.
    private(set) var errors: [String: String] = [:]
    private let inotify: Inotify?
    private var watches: [String: Int32] = [:]
    private var watchedDirs: [Int32: String] = [:]
    var scannedInputs: Set<String> = []
    let buffer: UnsafeMutableRawBufferPointer
    let logger: Logger
    /// Bumped on every change worth a checkpoint (bytes read, files opened or closed).
    var generation: UInt64 = 0
    /// Checkpointed files not yet matched to a file on disk (only before the first scan).
    var resume: [FileIdentity: FileCheckpoint] = [:]
    /// A rotated file is closed once it has not grown for this long.
    let drainQuietSeconds: Int64 = 5
    /// Paths the directory watches could not cover; rescanned by polling.
    private(set) var pollingDirectories: Set<String> = []

    init(logger: Logger) {
        self.logger = logger
        inotify = Inotify()
        buffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        if inotify == nil { logger.warning("inotify is not available; polling the log directories every second") }
    }

    deinit {
        for f in active.values { f.closeFile() }
        for f in draining { f.closeFile() }
        buffer.deallocate()
    }

    var inotifyFD: Int32? { inotify?.fd }

    var openFileCount: Int { active.count + draining.count }

    // MARK: configuration

    /// Sets the inputs. Files of inputs that are unchanged stay open where they are.
    func configure(_ configs: [InputConfig], tallies: inout [String: InputTally], now: Int64) {
        let newInputs = configs.map { Input(config: $0, patterns: $0.paths.map(Self.pattern)) }
        let kept = Set(newInputs.filter { inputs.contains($0) }.map(\.config.name))
        for (path, file) in active where !kept.contains(file.input) {
            file.closeFile()
            active[path] = nil
        }
        draining.removeAll { f in
            if kept.contains(f.input) { return false }
            f.closeFile()
            return true
        }
        scannedInputs = scannedInputs.intersection(kept)
        inputs = newInputs
        var dirs = Set(newInputs.flatMap { $0.patterns.map(\.directory) })
        for (dir, wd) in watches where !dirs.contains(dir) {
            inotify?.unwatch(wd)
            watches[dir] = nil
            watchedDirs[wd] = nil
        }
        dirs.subtract(watches.keys)
        for dir in dirs { addWatch(dir) }
        rescan(tallies: &tallies, now: now)
    }

    static func pattern(_ path: String) -> Pattern {
        let slash = path.lastIndex(of: "/")!
        var dir = String(path[..<slash])
        if dir.isEmpty { dir = "/" }
        let name = String(path[path.index(after: slash)...])
        return Pattern(directory: dir, name: name, isGlob: name.contains(where: { "*?[".contains($0) }))
    }

    private func addWatch(_ dir: String) {
        let polled = inputs.contains { $0.config.poll && $0.patterns.contains { $0.directory == dir } }
        guard let inotify, !polled else { pollingDirectories.insert(dir); return }
        let wd = inotify.watch(directory: dir)
        if wd >= 0 {
            watches[dir] = wd
            watchedDirs[wd] = dir
            pollingDirectories.remove(dir)
        } else {
            if -wd == ENOSPC, !pollingDirectories.contains(dir) {
                logger.warning("inotify watch limit reached (fs.inotify.max_user_watches); polling \(dir)")
            }
            pollingDirectories.insert(dir)
        }
    }

    // MARK: events

    /// Handles queued inotify events; reads what was written. Returns lines counted.
    func handleEvents(tallies: inout [String: InputTally], now: Int64) {
        guard let inotify else { return }
        let events = inotify.drain()
        guard !events.isEmpty else { return }
        var rescanNeeded = false
        var modified: Set<String> = []
        var unknownWrite = false
        var movedFrom: [UInt32: String] = [:]
        var renamedAway: [(from: String, to: String)] = []
        for e in events {
            if e.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                logger.warning("inotify queue overflowed; rescanning every log")
                rescanNeeded = true
                continue
            }
            guard let dir = watchedDirs[e.wd] else { continue }
            if e.mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                if e.mask & UInt32(IN_IGNORED) != 0 {
                    watches[dir] = nil
                    watchedDirs[e.wd] = nil
                    pollingDirectories.insert(dir)
                }
                rescanNeeded = true
                continue
            }
            let path = dir == "/" ? "/" + e.name : dir + "/" + e.name
            if e.mask & UInt32(IN_MODIFY) != 0 {
                if active[path] != nil { modified.insert(path) } else { unknownWrite = true }
            }
            if e.mask & UInt32(IN_MOVED_FROM) != 0 { movedFrom[e.cookie] = path }
            if e.mask & UInt32(IN_MOVED_TO) != 0, let from = movedFrom[e.cookie] { renamedAway.append((from, path)) }
            if e.mask & UInt32(IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB) != 0 {
                rescanNeeded = true
            }
        }
        for move in renamedAway { adoptUnseen(move.from, renamedTo: move.to, tallies: &tallies, now: now) }
        for path in modified {
            if let f = active[path] { read(f, tallies: &tallies, now: now) }
        }
        if unknownWrite || rescanNeeded {
            for f in draining { read(f, tallies: &tallies, now: now) }
        }
        if rescanNeeded { rescan(tallies: &tallies, now: now) }
    }

    /// The periodic pass: re-adds lost watches, polls directories without a watch, reads files
    /// that grew without an event, and closes drained files.
    func tick(tallies: inout [String: InputTally], now: Int64, fullScan: Bool) {
        if fullScan {
            for dir in Set(inputs.flatMap { $0.patterns.map(\.directory) }) where watches[dir] == nil { addWatch(dir) }
        }
        if fullScan || !pollingDirectories.isEmpty {
            rescan(tallies: &tallies, now: now)
        }
        if fullScan || !pollingDirectories.isEmpty || inotify == nil {
            // The safety net reads only files whose size moved: one fstat per idle file.
            for f in active.values where f.size != f.offset { read(f, tallies: &tallies, now: now) }
        }
        var closed: [TailedFile] = []
        for f in draining {
            read(f, tallies: &tallies, now: now)
            // A deleted file is read to its end and closed once a writer that still held it has
            // stopped (1 s), so it never keeps disk space for long; a renamed one after 5 s quiet.
            let quiet = now - f.lastGrowth
            if quiet >= drainQuietSeconds || (f.isDeleted && quiet >= 1) {
                finish(f, tallies: &tallies, now: now)
                closed.append(f)
            }
        }
        if !closed.isEmpty { draining.removeAll { d in closed.contains { $0 === d } } }
    }

    // MARK: reconciling paths with open files

    /// Matches every pattern against its directory and brings the open files in line:
    /// a path whose file changed (rotation) drains the old file and opens the new one from its
    /// first byte; a file seen under a new matching name keeps its offset.
    func rescan(tallies: inout [String: InputTally], now: Int64) {
        // Identity of every matched path, per input.
        var matched: [(path: String, input: Input, st: stat)] = []
        for input in inputs {
            for p in input.patterns {
                for path in match(p) {
                    switch FileStat.path(path) {
                    case .success(let st):
                        guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
                        matched.append((path, input, st))
                    case .failure(let e):
                        if e.code != ENOENT { noteError(path, e) }
                    }
                }
            }
        }
        var byIdentity: [FileIdentity: (path: String, input: Input, st: stat)] = [:]
        for m in matched where byIdentity[FileIdentity(m.st)] == nil { byIdentity[FileIdentity(m.st)] = m }

        // Open files whose identity is no longer at any matched path start draining;
        // those found under another matched name follow it.
        var stillActive: [String: TailedFile] = [:]
        for f in active.values {
            if let m = byIdentity[f.identity], m.input.config.name == f.input {
                f.path = m.path
                stillActive[m.path] = f
            } else {
                f.state = .draining
                draining.append(f)
            }
        }
        active = stillActive
        if !resume.isEmpty { resumeRotated(matched: Set(byIdentity.keys), tallies: &tallies, now: now) }
        let drainingIDs = Set(draining.map(\.identity))
        let openIDs = Set(active.values.map(\.identity))

        for m in matched {
            let id = FileIdentity(m.st)
            guard !openIDs.contains(id), active[m.path] == nil else { continue }
            if drainingIDs.contains(id) {
                // A file renamed back to a matched name (or moved in): resume it.
                if let k = draining.firstIndex(where: { $0.identity == id }) {
                    let f = draining.remove(at: k)
                    f.state = .reading
                    f.path = m.path
                    active[m.path] = f
                }
                continue
            }
            let name = m.input.config.name
            let firstSight = !scannedInputs.contains(name)
            let atEnd = firstSight && m.input.config.startAt == .end
            let saved = resume.removeValue(forKey: id).flatMap { $0.input == name ? $0 : nil }
            switch TailedFile.open(path: m.path, input: name, decoder: makeDecoder(m.input.config), atEnd: atEnd, now: now, offset: saved?.offset) {
            case .success(let f):
                // The saved fingerprint makes `read` check that this is still the file it was.
                if let saved { f.fingerprint = saved.fingerprint }
                active[m.path] = f
                generation &+= 1
                if errors.removeValue(forKey: m.path) != nil { logger.notice("can read \(m.path) again") }
                logger.info("following \(m.path)", metadata: ["input": "\(name)", "offset": "\(f.offset)"])
                read(f, tallies: &tallies, now: now)
            case .failure(let e):
                noteError(m.path, e)
            }
        }
        for input in inputs { scannedInputs.insert(input.config.name) }
        resume = [:]
        // Files that vanished from a rescan's error list are fine again.
        for path in errors.keys where !matched.contains(where: { $0.path == path }) && access(path, F_OK) != 0 {
            errors[path] = nil
        }
    }

    func makeDecoder(_ c: InputConfig) -> FileDecoder {
        FileDecoder(format: c.format, options: c.formatOptions, timeSource: c.time, maxSkew: c.maxSkewSeconds, maxLineBytes: c.maxLineBytes)
    }

    /// After a restart: checkpointed files that are no longer at a configured path were rotated
    /// while statusd was down. Found by device and inode in their directory, they are finished
    /// from their saved offset before the new files are read.
    private func resumeRotated(matched: Set<FileIdentity>, tallies: inout [String: InputTally], now: Int64) {
        for cp in resume.values.sorted(by: { $0.path < $1.path }) where !matched.contains(cp.identity) {
            guard let input = inputs.first(where: { $0.config.name == cp.input }) else { continue }
            let dir = Self.pattern(cp.path).directory
            let found = listDirectory(dir).first { path in
                if case .success(let st) = FileStat.path(path) { return FileIdentity(st) == cp.identity }
                return false
            }
            resume[cp.identity] = nil
            guard let path = found else {
                logger.warning("\(cp.path) was rotated away while statusd was down and cannot be found uncompressed; its unread end is lost",
                               metadata: ["input": "\(cp.input)"])
                continue
            }
            guard case .success(let f) = TailedFile.open(path: path, input: cp.input, decoder: makeDecoder(input.config), atEnd: false, now: now, offset: cp.offset) else { continue }
            f.fingerprint = cp.fingerprint
            f.state = .draining
            logger.info("finishing \(path), rotated while statusd was down", metadata: ["offset": "\(cp.offset)"])
            while read(f, tallies: &tallies, now: now) > 0 {}
            draining.append(f)
        }
    }

    /// A file renamed away from a configured path before statusd ever opened it (two rotations
    /// in quick succession): it was created after the last scan, so it is read from its start.
    private func adoptUnseen(_ from: String, renamedTo to: String, tallies: inout [String: InputTally], now: Int64) {
        guard case .success(let st) = FileStat.path(to), (st.st_mode & S_IFMT) == S_IFREG else { return }
        let id = FileIdentity(st)
        guard !active.values.contains(where: { $0.identity == id }), !draining.contains(where: { $0.identity == id }) else { return }
        let fromPattern = Self.pattern(from)
        guard let input = inputs.first(where: { input in
            scannedInputs.contains(input.config.name) && input.patterns.contains { p in
                p.directory == fromPattern.directory && (p.isGlob ? fnmatch(p.name, fromPattern.name, 0) == 0 : p.name == fromPattern.name)
            }
        }) else { return }
        guard case .success(let f) = TailedFile.open(path: to, input: input.config.name, decoder: makeDecoder(input.config), atEnd: false, now: now) else { return }
        f.state = .draining
        logger.info("reading \(to): rotated away from \(from) before it was seen", metadata: ["input": "\(input.config.name)"])
        read(f, tallies: &tallies, now: now)
        draining.append(f)
        generation &+= 1
    }

    /// Files to resume (from a checkpoint), and the inputs that were already seen before it.
    func restore(_ files: [FileCheckpoint], seenInputs: Set<String>) {
        for f in files { resume[f.identity] = f }
        scannedInputs = seenInputs
    }

    /// Where every open file stands, for the checkpoint.
    var checkpoints: [FileCheckpoint] {
        (Array(active.values) + draining).map(\.checkpoint).sorted { $0.path < $1.path }
    }

    private func noteError(_ path: String, _ e: Errno) {
        if errors[path] == nil {
            logger.error("cannot read \(path): \(e); retrying", metadata: ["path": "\(path)"])
        }
        errors[path] = "cannot read: \(e)"
    }

    /// Paths in the pattern's directory that match it. Compressed rotations are never tailed.
    private func match(_ p: Pattern) -> [String] {
        let prefix = p.directory == "/" ? "/" : p.directory + "/"
        guard p.isGlob else { return [prefix + p.name] }
        return listDirectory(p.directory).filter { fnmatch(p.name, String($0.dropFirst(prefix.count)), 0) == 0 }
    }

    static func isCompressed(_ name: String) -> Bool {
        [".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip"].contains { name.hasSuffix($0) }
    }

    /// Counts a drained file's held last line and closes it.
    private func finish(_ f: TailedFile, tallies: inout [String: InputTally], now: Int64) {
        f.decoder.flush(arrival: now, into: &tallies[f.input, default: InputTally(windowSeconds: 60)])
        f.closeFile()
        generation &+= 1
        logger.info("closed \(f.path) after rotation", metadata: ["input": "\(f.input)", "offset": "\(f.offset)"])
    }

    // MARK: status

    func reports(for input: String) -> [FileReport] {
        var out = active.values.filter { $0.input == input }.map(\.report)
        out += draining.filter { $0.input == input }.map(\.report)
        let patterns = inputs.first { $0.config.name == input }?.patterns ?? []
        for (path, err) in errors where patterns.contains(where: { Self.pattern(path).directory == $0.directory }) {
            out.append(FileReport(path: path, state: "error", offset: 0, size: 0, error: err))
        }
        return out.sorted { $0.path < $1.path }
    }
}
