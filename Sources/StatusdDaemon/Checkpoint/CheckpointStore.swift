import Foundation
import Logging
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes `state.json` in the state directory: temp file, fsync, rename, directory fsync.
/// A file that cannot be read back is set aside (renamed `state.json.corrupt-TIME`) and reported;
/// statusd then resumes from the previous generation (`state.json.prev`, the state one save
/// earlier) and re-reads the files from its offsets, or, without one, starts fresh instead of
/// crash-looping.
final class CheckpointStore {
    let directory: String
    let logger: Logger
    var path: String { directory + "/state.json" }
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// The silences file beside the state file. It rides on this store because the pipeline
    /// owns one store for its state directory (and `Pipeline.swift` is not this feature's to widen).
    let silences: SilenceStore

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
        self.silences = SilenceStore(directory: directory, logger: logger)
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

    func save(_ checkpoint: Checkpoint) throws {
        // The file being replaced is linked aside first and becomes the previous generation only
        // once the new one is in place: the new one must fit beside both (a full disk fails the
        // save instead of recycling the previous generation's space).
        let tmpPrevious = previousPath + ".tmp"
        unlink(tmpPrevious)
        let kept = link(path, tmpPrevious) == 0
        do {
            try write(checkpoint)
        } catch {
            if kept { unlink(tmpPrevious) }
            throw error
        }
        if kept, rename(tmpPrevious, previousPath) != 0 { unlink(tmpPrevious) }
    }

    private func write(_ checkpoint: Checkpoint) throws {
        try AtomicFile.write(to: path) { piece in
            try withoutActuallyEscaping(piece) { piece in
                var writer = CheckpointWriter { bytes in try bytes.withUnsafeBytes { try piece($0) } }
                try writer.write(checkpoint, encoder: encoder)
            }
        }
    }
}
