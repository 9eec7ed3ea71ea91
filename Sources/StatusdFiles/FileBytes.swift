#if canImport(Glibc)
import Glibc
#endif

/// Whole small files (configs, state) read without Foundation.
package enum FileBytes {
    package static func read(_ path: String, limit: Int = 16 * 1024 * 1024) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count <= limit {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        return out
    }
}
