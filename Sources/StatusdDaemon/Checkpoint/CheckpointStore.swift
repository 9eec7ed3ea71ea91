import Foundation
import Logging
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes the two state files in the state directory, each by temp file, fsync, rename,
/// directory fsync:
/// - `state.json`, the snapshot (`Checkpoint`): totals, windows, long and seasonal buckets, alert
///   states and the offsets and journal cursors they correspond to. Written rarely (every
///   `snapshotInterval`, on start, reload and clean shutdown): after a crash the logs are re-read
///   from its offsets (the logs are the write-ahead log).
/// - `alerts.json`, the small file (`DurableState`): the outbox, episodes, health board and the
///   keys of the notifications decided since the snapshot. Written whenever they change.
///
/// A snapshot that cannot be read back is set aside (renamed `state.json.corrupt-TIME`) and
/// reported; statusd then resumes from the previous generation (`state.json.prev`, the snapshot
/// before) and re-reads the files from its offsets, or, without one, starts fresh instead of
/// crash-looping. An unreadable small file is set aside the same way; the snapshot's outbox is used.
final class CheckpointStore {
    let directory: String
    let logger: Logger
    var path: String { directory + "/state.json" }
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
        if let text = ProcessInfo.processInfo.environment["STATUSD_SNAPSHOT_SECONDS"], let s = Int64(text), s > 0 {
            fixedInterval = s
        } else {
            fixedInterval = nil
        }
    }

    // MARK: the snapshot's cadence

    /// The shortest time between two snapshots while lines are read.
    static let minimumInterval: Int64 = 300
    /// The longest: a crash re-reads at most this much of the logs.
    static let maximumInterval: Int64 = 3600
    /// What snapshots may write a day on average (bytes per second): 50 MB a day. A snapshot of
    /// `n` bytes is followed by the next one no sooner than `n / budget` seconds later.
    static let budgetBytesPerSecond = 50_000_000 / 86_400
    /// Set by `STATUSD_SNAPSHOT_SECONDS` (tests and benchmarks): the interval, not scaled by size.
    let fixedInterval: Int64?
    /// When the last snapshot was written (`.min`: none yet by this process).
    var lastSnapshotAt: Int64 = .min
    /// Its size in bytes.
    var lastSnapshotBytes = 0
    /// How long after the last snapshot the next one is due (while lines are read): 5 minutes, or
    /// longer for a large state so snapshots stay within `budgetBytesPerSecond`, at most an hour.
    var snapshotInterval: Int64 {
        if let fixedInterval { return fixedInterval }
        let bySize = Int64(lastSnapshotBytes / Self.budgetBytesPerSecond)
        return min(Self.maximumInterval, max(Self.minimumInterval, bySize))
    }

    // MARK: the small file

    var durablePath: String { directory + "/alerts.json" }
    /// What the last `loadDurable` found wrong with the small file, if anything.
    private(set) var durableProblem: LoadProblem?
    /// The last error writing each file (nil: the last write succeeded), for `health`.
    var snapshotError: String?
    var durableError: String?

    /// A snapshot was restored at start (a restart, not a fresh start).
    var restored = false

    /// Set while the state directory has no room for the next snapshot (`spaceShortage`).
    var spaceError: String?

    /// Why the next snapshot would not fit, or nil: free space in the state directory against the
    /// last snapshot's size and the small file, with a margin. Checked once a second while lines
    /// are read (a `statvfs`, no write), so a full disk shows in `health` at once although the
    /// snapshot is minutes away.
    func spaceShortage() -> String? {
        var st = statvfs()
        guard statvfs(directory, &st) == 0 else { return nil }
        let blocks = geteuid() == 0 ? UInt64(st.f_bfree) : UInt64(st.f_bavail)
        let free = blocks &* UInt64(st.f_frsize)
        let need = UInt64(max(lastSnapshotBytes, 16 << 10)) + (64 << 10)
        guard free < need else { return nil }
        return "No space left on device: \(free) bytes free in \(directory), the next snapshot needs about \(need)"
    }

    func saveDurable(_ state: DurableState) throws {
        let data = try encoder.encode(state)
        try AtomicFile.write(data, to: durablePath)
    }

    /// The small file, or nil when there is none or it is unreadable (then set aside and noted in
    /// `durableProblem`).
    func loadDurable(now: Int64) -> DurableState? {
        durableProblem = nil
        guard let bytes = FileBytes.read(durablePath) else {
            if errno == ENOENT { return nil }
            let why = String(cString: strerror(errno))
            durableProblem = LoadProblem(error: "cannot read: \(why)", movedTo: durablePath, fellBackTo: nil)
            logger.error("cannot read \(durablePath): \(why); queued notifications resume from the snapshot")
            return nil
        }
        do {
            let state = try JSONDecoder().decode(DurableState.self, from: Data(bytes))
            guard (1...DurableState.currentVersion).contains(state.version) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "version \(state.version)"))
            }
            return state
        } catch {
            let aside = durablePath + ".corrupt-\(now)"
            rename(durablePath, aside)
            durableProblem = LoadProblem(error: Self.describe(error), movedTo: aside, fellBackTo: nil)
            logger.error("the small state file was unreadable and is set aside; queued notifications resume from the snapshot",
                         metadata: ["path": "\(durablePath)", "moved_to": "\(aside)", "error": "\(Self.describe(error))"])
            return nil
        }
    }

    /// The generation before the newest: `state.json` as it was before the last save. Kept as a
    /// hard link (no copy), so a newest file found corrupt falls back to it instead of a reset.
    var previousPath: String { directory + "/state.json.prev" }

    /// What the last `load` found wrong with the state file, if anything (for `health`).
    private(set) var loadProblem: LoadProblem?

    /// The newest state file could not be read back.
    struct LoadProblem: Sendable {
        /// Why the newest generation was unreadable.
        var error: String
        /// Where it was set aside.
        var movedTo: String
        /// The previous generation resumed from (its `saved_at`), or nil: started without state.
        var fellBackTo: Int64?
    }

    func load(now: Int64) -> Checkpoint? {
        loadProblem = nil
        switch read(path) {
        case .missing:
            // Never our own doing (the previous generation is a link, the newest is replaced by a
            // rename): someone removed it to start afresh, so the previous one is not used either.
            return nil
        case .ok(let cp):
            return cp
        case .corrupt(let error):
            let aside = path + ".corrupt-\(now)"
            rename(path, aside)
            if case .ok(let prev) = read(previousPath) {
                loadProblem = LoadProblem(error: error, movedTo: aside, fellBackTo: prev.savedAt)
                logger.error("the state file was unreadable and is set aside; resuming from the previous generation",
                             metadata: ["path": "\(path)", "moved_to": "\(aside)", "error": "\(error)",
                                        "previous_saved_at": "\(CivilTime.iso8601(prev.savedAt))"])
                return prev
            }
            loadProblem = LoadProblem(error: error, movedTo: aside, fellBackTo: nil)
            logger.error("the state file was unreadable and is set aside; starting without it",
                         metadata: ["path": "\(path)", "moved_to": "\(aside)", "error": "\(error)"])
            return nil
        }
    }

    private enum ReadResult {
        case missing
        case ok(Checkpoint)
        case corrupt(String)
    }

    private func read(_ file: String) -> ReadResult {
        guard let bytes = FileBytes.read(file) else {
            if errno == ENOENT { return .missing }
            let why = String(cString: strerror(errno))
            logger.error("cannot read \(file): \(why)")
            return .corrupt("cannot read: \(why)")
        }
        do {
            let cp = try JSONDecoder().decode(Checkpoint.self, from: Data(bytes))
            guard (1...Checkpoint.currentVersion).contains(cp.version) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "version \(cp.version)"))
            }
            return .ok(cp)
        } catch {
            return .corrupt(Self.describe(error))
        }
    }

    /// A decoding error in a few words (JSONDecoder's own descriptions run long).
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return "not valid JSON or not a state file: \(c.debugDescription.prefix(120))"
        case DecodingError.keyNotFound(let k, _): return "key `\(k.stringValue)` missing"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)".prefix(160).description
        }
    }

    /// Writes the snapshot; returns its size in bytes.
    @discardableResult
    func save(_ checkpoint: Checkpoint) throws -> Int {
        // The file being replaced is linked aside first and becomes the previous generation only
        // once the new one is in place: the new one must fit beside both (a full disk fails the
        // save instead of recycling the previous generation's space).
        let tmpPrevious = previousPath + ".tmp"
        unlink(tmpPrevious)
        let kept = link(path, tmpPrevious) == 0
        let bytes: Int
        do {
            bytes = try write(checkpoint)
        } catch {
            if kept { unlink(tmpPrevious) }
            throw error
        }
        if kept, rename(tmpPrevious, previousPath) != 0 { unlink(tmpPrevious) }
        return bytes
    }

    private func write(_ checkpoint: Checkpoint) throws -> Int {
        var total = 0
        try AtomicFile.write(to: path) { piece in
            try withoutActuallyEscaping(piece) { piece in
                var writer = CheckpointWriter { bytes in
                    total += bytes.count
                    try bytes.withUnsafeBytes { try piece($0) }
                }
                try writer.write(checkpoint, encoder: encoder)
            }
        }
        return total
    }
}
