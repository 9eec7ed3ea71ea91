import Foundation
import Logging
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the silences in `silences.json` in the state directory, apart from `state.json`: they are
/// a person's decisions, not counts, so a state file set aside as corrupt does not take them along,
/// and each change is written at once (atomically) so a restart never forgets one.
///
/// Not locked: the pipeline calls it with its lock held.
final class SilenceStore {
    let path: String
    let logger: Logger
    private(set) var list = SilenceList()
    private var loaded = false
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return e
    }()

    init(directory: String, logger: Logger) {
        self.path = directory + "/silences.json"
        self.logger = logger
    }

    /// Reads the file once; ended silences are dropped. An unreadable file is set aside and reported.
    func load(now: Int64) {
        guard !loaded else { return }
        loaded = true
        guard let bytes = FileBytes.read(path) else {
            if errno != ENOENT { logger.error("cannot read \(path): \(String(cString: strerror(errno)))") }
            return
        }
        do {
            list = try JSONDecoder().decode(SilenceList.self, from: Data(bytes))
        } catch {
            let aside = path + ".corrupt-\(now)"
            rename(path, aside)
            logger.error("the silences file was unreadable and is set aside; starting without silences",
                         metadata: ["path": "\(path)", "moved_to": "\(aside)", "error": "\(error)"])
            return
        }
        list.prune(at: now)
        if !list.silences.isEmpty {
            logger.notice("silences in force", metadata: ["silences": "\(list.silences.map(\.target).joined(separator: ","))"])
        }
    }

    /// Changes the list and, when it changed, writes it before returning.
    func update<R>(now: Int64, _ body: (inout SilenceList) throws -> R) throws -> R {
        load(now: now)
        var copy = list
        copy.prune(at: now)
        let result = try body(&copy)
        if copy != list {
            try AtomicFile.write(try encoder.encode(copy), to: path)
            list = copy
        }
        return result
    }

    /// The silences in force at `now`.
    func active(at now: Int64) -> [Silence] {
        load(now: now)
        return list.active(at: now)
    }
}
