import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a log file whole, plain or gzip-compressed (rotated `.gz`), in large chunks.
public final class LogFileReader {
    private var gz: gzFile?
    private var fd: Int32 = -1
    public let path: String
    /// The file's size on disk (compressed size for .gz), for progress.
    public let size: UInt64
    private let buffer: UnsafeMutableRawBufferPointer

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        self.path = path
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
        var st = stat()
        guard stat(path, &st) == 0 else {
            buffer.deallocate()
            throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
        }
        size = UInt64(st.st_size)
        if path.hasSuffix(".gz") {
            gz = gzopen(path, "rb")
            if gz == nil {
                buffer.deallocate()
                throw Failure(description: "\(path): cannot open as gzip")
            }
            gzbuffer(gz, 1 << 18)
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                buffer.deallocate()
                throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Bytes of the file read so far (compressed bytes for .gz).
    public var position: UInt64 {
        if let gz { return UInt64(max(0, gzoffset(gz))) }
        return UInt64(max(0, lseek(fd, 0, SEEK_CUR)))
    }

    /// Calls `body` with each chunk until the end.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws {
        while true {
            let n: Int
            if let gz {
                n = Int(gzread(gz, buffer.baseAddress, UInt32(buffer.count)))
                if n < 0 { throw Failure(description: "\(path): corrupt gzip data") }
            } else {
                n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
                }
            }
            if n == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    deinit {
        if let gz { gzclose(gz) }
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }
}
