#if canImport(Glibc)
import Glibc
#endif

/// A hash of a file's first bytes (up to 256), with how many bytes it covers.
///
/// Together with device and inode it tells a file apart from another that got the same inode
/// after a delete, and a file rewritten in place from the one statusd was reading. There is no
/// minimum size: a fresh, tiny log is followed at once, and its fingerprint grows with it.
struct Fingerprint: Equatable, Codable, Sendable {
    static let maxLength = 256
    var length: Int
    var hash: UInt64

    static let empty = Fingerprint(length: 0, hash: 0xcbf2_9ce4_8422_2325)

    /// The fingerprint of the first `upTo` bytes of `fd` (fewer if the file is shorter).
    static func of(fd: Int32, upTo: Int = maxLength) -> Fingerprint? {
        withUnsafeTemporaryAllocation(byteCount: max(1, upTo), alignment: 1) { buf in
            let n = pread(fd, buf.baseAddress, upTo, 0)
            guard n >= 0 else { return nil }
            return Fingerprint(bytes: UnsafeRawBufferPointer(rebasing: buf[0..<n]))
        }
    }

    init(length: Int, hash: UInt64) {
        self.length = length
        self.hash = hash
    }

    init<Bytes: Sequence<UInt8>>(bytes: Bytes) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        var n = 0
        for b in bytes {
            n += 1
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        length = n
        hash = h
    }

    /// `true` when `fd`'s first `length` bytes still hash to this.
    func matches(fd: Int32) -> Bool {
        guard length > 0 else { return true }
        guard let now = Fingerprint.of(fd: fd, upTo: length) else { return false }
        return now == self
    }
}
