import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `STATE_DIR/lock`, held for the daemon's life: two daemons sharing a
/// state directory would resume each other's offsets and count lines twice, so the second refuses
/// to start.
package final class StateDirectoryLock: Sendable {
    private let fd: Int32

    package struct Busy: Error, CustomStringConvertible {
        package var description: String
    }

    package init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw Busy(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(description: "another statusd uses the state directory \(directory) (\(path) is locked)")
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
