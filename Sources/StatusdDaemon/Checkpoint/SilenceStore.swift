import Foundation
import Logging
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the silences in `silences.json` in the state directory, apart from `state.json`: they are
/// a person's decisions, not counts, so a state file set aside as corrupt does not take them along,
/// and each change is written at once (atomically) so a restart never forgets one. The list itself
/// is the engine's (`AlertEngine.silences`); this reads it at start and writes it on change.
final class SilenceStore {
    let path: String
    let logger: Logger
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return e
    }()

    init(directory: String, logger: Logger) {
        self.path = directory + "/silences.json"
        self.logger = logger
    }

    /// Reads the file; ended silences are dropped. An unreadable file is set aside and reported
    /// (an empty list).
    func load(now: Int64) -> SilenceList {
        guard let bytes = FileBytes.read(path) else {
            if errno != ENOENT { logger.error("cannot read \(path): \(String(cString: strerror(errno)))") }
            return SilenceList()
        }
        var list: SilenceList
        do {
            list = try JSONDecoder().decode(SilenceList.self, from: Data(bytes))
        } catch {
            let aside = path + ".corrupt-\(now)"
            rename(path, aside)
            logger.error("the silences file was unreadable and is set aside; starting without silences",
                         metadata: ["path": "\(path)", "moved_to": "\(aside)", "error": "\(error)"])
            return SilenceList()
        }
        _ = list.prune(at: now)
        if !list.silences.isEmpty {
            logger.notice("silences in force", metadata: ["silences": "\(list.silences.map(\.target).joined(separator: ","))"])
        }
        return list
    }

    /// Writes `list` (atomically).
    func save(_ list: SilenceList) throws {
        try AtomicFile.write(try encoder.encode(list), to: path)
    }
}
