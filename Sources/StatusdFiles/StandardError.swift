#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to stderr.
package enum StandardError {
    package static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}
