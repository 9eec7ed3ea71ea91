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

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
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
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let data = try encoder.encode(checkpoint)
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw Errno(errno) }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok else { unlink(tmp); throw Errno(errno) }
        guard rename(tmp, path) == 0 else { throw Errno(errno) }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
