import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes `state.json` in the state directory: temp file, fsync, rename, directory fsync.
/// A file that cannot be read back is set aside (renamed `state.json.corrupt-TIME`) and reported;
/// statusd then starts fresh instead of crash-looping.
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

    func load(now: Int64) -> Checkpoint? {
        guard let bytes = FileBytes.read(path) else {
            if errno != ENOENT { logger.error("cannot read \(path): \(String(cString: strerror(errno)))") }
            return nil
        }
        do {
            let cp = try JSONDecoder().decode(Checkpoint.self, from: Data(bytes))
            guard (1...Checkpoint.currentVersion).contains(cp.version) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "version \(cp.version)"))
            }
            return cp
        } catch {
            let aside = path + ".corrupt-\(now)"
            rename(path, aside)
            logger.error("the state file was unreadable and is set aside; starting without it",
                         metadata: ["path": "\(path)", "moved_to": "\(aside)", "error": "\(error)"])
            return nil
        }
    }

    func save(_ checkpoint: Checkpoint) throws {
        try AtomicFile.write(to: path) { piece in
            try withoutActuallyEscaping(piece) { piece in
                var writer = CheckpointWriter { bytes in try bytes.withUnsafeBytes { try piece($0) } }
                try writer.write(checkpoint, encoder: encoder)
            }
        }
    }
}
