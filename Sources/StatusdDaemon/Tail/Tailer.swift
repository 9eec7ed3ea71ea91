import Logging
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Follows the files that the inputs' paths and globs match, through appends, rotation,
/// truncation and deletion, and hands each decoded line to a `LineSink` with its input's position.
///
/// It knows files, not counts: windows, time sources and rules are the sink's business. Driven by
/// inotify on the containing directories (`DirectoryWatcher`): no polling while idle. A slow
/// safety rescan catches directories that appear later and anything an overflowing event queue
/// lost. Rescans (`Tailer+Rescan`), restarts (`Tailer+Resume`) and reads (`Tailer+Read`) are
/// extensions; the sink is generic so the per-line call is specialized, never an existential.
final class Tailer {
    struct Input: Equatable {
        var config: InputConfig
        var patterns: [PathPattern]
    }

    var inputs: [Input] = []
    /// Files at configured paths, by path.
    var active: [String: TailedFile] = [:]
    /// Files rotated away or replaced, read until they stop growing.
    var draining: [TailedFile] = []
    /// Paths that match but cannot be opened, with why.
    var errors: [String: String] = [:]
    let watcher: DirectoryWatcher
    var scannedInputs: Set<String> = []
    let buffer: UnsafeMutableRawBufferPointer
    let logger: Logger
    /// Bumped on every change worth a checkpoint (bytes read, files opened or closed).
    var generation: UInt64 = 0
    /// Bytes read from every file since start.
    var bytesRead: UInt64 = 0
    /// Checkpointed files not yet matched to a file on disk (only before the first scan).
    var resume: [FileIdentity: FileCheckpoint] = [:]
    /// A rotated file is closed once it has not grown for this long.
    let drainQuietSeconds: Int64 = 5
    /// Log files that may be open at once (`Tailer+Descriptors`).
    var descriptorBudget = Int.max
    /// At most this many, whatever the limit allows (tests set a small one).
    var budgetCap = Int.max
    /// A rescan could not finish or a closed file's path holds another file now: scan at the next tick.
    var rescanWanted = false
    /// Followed paths that are symlinks, by the file they point to (`Tailer+Links`).
    var linkTargets: [String: String] = [:]
    /// A drained file, closed: where it ended.
    struct Finished {
        var offset: UInt64
        var fingerprint: Fingerprint
        var at: Int64
    }
    /// Files drained and closed in the last 10 minutes, by identity: an inotify event about one that
    /// comes late (thousands of renames at once) or the file showing up again resumes it where it
    /// ended, never from its start.
    var finished: [FileIdentity: Finished] = [:]
    /// When the checkpoint restored from was saved, and every file it held (`Tailer+Resume`).
    var restoredSavedAt: Int64?
    var restoredIdentities: Set<FileIdentity> = []
    /// Link target directories already searched for rotations the checkpoint never saw.
    var searchedForUnseen: Set<String> = []
    /// Files waiting for a descriptor at the last tick (a line is logged when it leaves or reaches 0).
    var lastWaitingCount = 0

    init(logger: Logger) {
        self.logger = logger
        watcher = DirectoryWatcher(logger: logger)
        buffer = .allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit {
        for f in active.values { f.closeFile() }
        for f in draining { f.closeFile() }
        buffer.deallocate()
    }

    var inotifyFD: Int32? { watcher.fd }

    /// Paths the directory watches could not cover; rescanned by polling.
    var pollingDirectories: Set<String> { watcher.pollingDirectories }

    var openFileCount: Int { active.count + draining.count }

    /// Bytes written to open files that were not read yet (one fstat per open file). A file that
    /// shrank below its offset counts whole: it will be read again from its start.
    var bytesBehind: UInt64 {
        var total: UInt64 = 0
        for f in active.values { total &+= f.bytesBehind }
        for f in draining { total &+= f.bytesBehind }
        return total
    }

    // MARK: configuration

    /// Sets the inputs. Files of inputs that are unchanged stay open where they are, and are
    /// handed on under their input's new position.
    func configure<S: LineSink>(_ configs: [InputConfig], into sink: inout S, now: Int64) {
        let newInputs = configs.map { Input(config: $0, patterns: PathPattern.of($0)) }
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
        let positions = Dictionary(newInputs.enumerated().map { ($1.config.name, $0) }, uniquingKeysWith: { first, _ in first })
        for f in active.values { f.inputIndex = positions[f.input]! }
        for f in draining { f.inputIndex = positions[f.input]! }
        scannedInputs = scannedInputs.intersection(kept)
        inputs = newInputs
        updateBudget()
        for dir in watcher.unwatch(keeping: directories) { watcher.watch(dir, polled: isPolled(dir)) }
        rescan(into: &sink, now: now)
    }

    /// Every directory a pattern lives in.
    var directories: Set<String> { Set(inputs.flatMap { $0.patterns.map(\.directory) }).union(linkDirectories) }

    /// `true` when an input with `poll: true` has a pattern in `dir`.
    func isPolled(_ dir: String) -> Bool {
        inputs.contains { $0.config.poll && $0.patterns.contains { $0.directory == dir } }
    }

    // MARK: events

    /// Handles queued inotify events; reads what was written.
    func handleEvents<S: LineSink>(into sink: inout S, now: Int64) {
        guard let events = watcher.drain(isOpen: { active[$0] != nil || linkTargets[$0] != nil }) else { return }
        for move in events.renames { adoptUnseen(move.from, renamedTo: move.to, into: &sink, now: now) }
        for path in events.modified {
            if let f = active[path] ?? linkTargets[path].flatMap({ active[$0] }) { read(f, into: &sink, now: now) }
        }
        if events.unknownWrite || events.rescanNeeded {
            for f in draining { read(f, into: &sink, now: now) }
        }
        if events.rescanNeeded { rescan(into: &sink, now: now) }
    }

    /// The periodic pass: re-adds lost watches, polls directories without a watch, reads files
    /// that grew without an event, and closes drained files.
    func tick<S: LineSink>(into sink: inout S, now: Int64, fullScan: Bool) {
        // Near its budget the tailer checks what the rest of the process holds every second.
        if fullScan || TailedFile.openCount + 8 >= descriptorBudget { updateBudget() }
        if fullScan {
            for dir in directories where !watcher.isWatched(dir) { watcher.watch(dir, polled: isPolled(dir)) }
        }
        if fullScan || rescanWanted || !watcher.pollingDirectories.isEmpty {
            rescan(into: &sink, now: now)
        }
        if fullScan || !watcher.pollingDirectories.isEmpty || !watcher.hasInotify {
            // The safety net reads only files whose size moved: one fstat per idle file.
            for f in active.values where f.size != f.offset { read(f, into: &sink, now: now) }
        }
        var closed: [TailedFile] = []
        for f in draining {
            // A closed one (for another file's descriptor) is opened again only when it grew.
            if f.isOpen || f.waitingSince != nil || f.size != f.offset { read(f, into: &sink, now: now) }
            // A deleted file is read to its end and closed once a writer that still held it has
            // stopped (1 s), so it never keeps disk space for long; a renamed one after 5 s quiet.
            // One waiting for a descriptor with lines unread is kept until it is read.
            let quiet = now - f.lastGrowth
            if f.waitingSince == nil, quiet >= drainQuietSeconds || (f.isDeleted && quiet >= 1) {
                finish(f, into: &sink, now: now)
                closed.append(f)
            }
        }
        if !closed.isEmpty { draining.removeAll { d in closed.contains { $0 === d } } }
        if fullScan { finished = finished.filter { now - $0.value.at < 600 } }
        serveDescriptors(into: &sink, now: now)
    }

    /// Hands on a drained file's held last line and closes it.
    private func finish<S: LineSink>(_ f: TailedFile, into sink: inout S, now: Int64) {
        sink.enterSource(f.pod, input: f.inputIndex)
        f.decoder.flush(input: f.inputIndex, arrival: now, into: &sink)
        f.closeFile()
        finished[f.identity] = Finished(offset: f.offset, fingerprint: f.fingerprint, at: now)
        generation &+= 1
        logger.info("closed \(f.path) after rotation", metadata: ["input": "\(f.input)", "offset": "\(f.offset)"])
    }

    // MARK: status

    /// Where every open file stands, for the checkpoint.
    var checkpoints: [FileCheckpoint] {
        (Array(active.values) + draining).map(\.checkpoint).sorted { $0.path < $1.path }
    }

    func reports(for input: String) -> [FileReport] {
        var out = active.values.filter { $0.input == input }.map(\.sourceReport)
        out += draining.filter { $0.input == input }.map(\.sourceReport)
        let patterns = inputs.first { $0.config.name == input }?.patterns ?? []
        for (path, err) in errors where patterns.contains(where: { PathPattern(path).directory == $0.directory }) {
            out.append(FileReport(path: path, state: "error", offset: 0, size: 0, error: err))
        }
        return out.sorted { $0.path < $1.path }
    }

    func noteError(_ path: String, _ e: Errno) {
        if errors[path] == nil {
            logger.error("cannot read \(path): \(e); retrying", metadata: ["path": "\(path)"])
        }
        errors[path] = "cannot read: \(e)"
    }

    func makeDecoder(_ c: InputConfig) -> FileDecoder {
        FileDecoder(format: c.format, options: c.formatOptions, maxLineBytes: c.maxLineBytes)
    }
}
