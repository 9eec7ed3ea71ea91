import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Which file a path points at: device and inode.
///
/// A rotated file keeps its identity under its new name, so statusd keeps reading it rather than
/// reading it again from the start.
struct FileIdentity: Hashable, Sendable, Codable {
    var device: UInt64
    var inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}

/// `stat(2)` as a value, or the errno.
enum FileStat {
    static func path(_ path: String) -> Result<stat, Errno> {
        var st = stat()
        return stat(path, &st) == 0 ? .success(st) : .failure(Errno(errno))
    }

    static func fd(_ fd: Int32) -> stat? {
        var st = stat()
        return fstat(fd, &st) == 0 ? st : nil
    }
}
