#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking inotify descriptor watching directories.
///
/// statusd watches the directories that hold its logs, not the files: that sees files appear,
/// be renamed away and be deleted, and still reports writes to a file after it was renamed within
/// the directory. A watch on a file would be lost with its inode.
final class Inotify {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    struct Event {
        var wd: Int32
        var mask: UInt32
        /// Pairs an IN_MOVED_FROM with its IN_MOVED_TO.
        var cookie: UInt32
        var name: String
    }

    static let directoryMask: UInt32 = UInt32(IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_MODIFY
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE)

    init?() {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// A watch descriptor, or `-errno` (ENOSPC: the watch limit is reached).
    func watch(directory: String) -> Int32 {
        let wd = inotify_add_watch(fd, directory, Self.directoryMask | UInt32(IN_ONLYDIR))
        return wd >= 0 ? wd : -errno
    }

    func unwatch(_ wd: Int32) { _ = inotify_rm_watch(fd, wd) }

    /// Reads every queued event without blocking.
    func drain() -> [Event] {
        var events: [Event] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            buffer.withUnsafeBytes { raw in
                var off = 0
                let header = MemoryLayout<inotify_event>.size
                while off + header <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: off, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: off + 4, as: UInt32.self)
                    let cookie = raw.loadUnaligned(fromByteOffset: off + 8, as: UInt32.self)
                    let len = Int(raw.loadUnaligned(fromByteOffset: off + 12, as: UInt32.self))
                    var name = ""
                    if len > 0 {
                        let bytes = raw[(off + header)..<(off + header + len)]
                        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
                        name = String(decoding: raw[(off + header)..<end], as: UTF8.self)
                    }
                    events.append(Event(wd: wd, mask: mask, cookie: cookie, name: name))
                    off += header + len
                }
            }
        }
        return events
    }
}
