import Foundation
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so a crash leaves the old or the new contents, never a mix: temp file, fsync,
/// rename, directory fsync. The state file and the silences file are written this way.
enum AtomicFile {
    static func write(_ data: Data, to path: String, mode: mode_t = 0o640) throws {
        try write(to: path, mode: mode) { piece in try data.withUnsafeBytes { try piece($0) } }
    }

    /// As `write(_:to:)`, with the contents handed over in pieces by `body` (a large document is
    /// never held whole in memory).
    static func write(to path: String, mode: mode_t = 0o640,
                      _ body: (_ piece: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Errno(errno) }
        var ok = true
        do {
            try body { raw in
                var off = 0
                while off < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw Errno(errno) }
                    off += n
                }
            }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        ok = fsync(fd) == 0
        let failure = errno
        close(fd)
        guard ok else { unlink(tmp); throw Errno(failure) }
        guard rename(tmp, path) == 0 else { throw Errno(errno) }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
