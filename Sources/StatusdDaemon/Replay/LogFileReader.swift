import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a log file whole, plain or gzip-compressed (rotated `.gz`), in large chunks.
///
/// A plain file is mapped (`mmap`, `MADV_SEQUENTIAL`): its bytes are parsed where the page cache
/// holds them, with no copy into a buffer; where mapping fails it is read in 4 MiB chunks. A `.gz`
/// file is inflated in 1 MiB chunks.
public final class LogFileReader {
    private var gz: gzFile?
    private var fd: Int32 = -1
    public let path: String
    /// The file's size on disk (compressed size for .gz), for progress.
    public let size: UInt64
    private var buffer: UnsafeMutableRawBufferPointer?
    /// The whole plain file, mapped.
    public private(set) var mapped: UnsafeRawBufferPointer?
    private var mappedOffset = 0

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
        }
        size = UInt64(st.st_size)
        if path.hasSuffix(".gz") {
            gz = gzopen(path, "rb")
            if gz == nil { throw Failure(description: "\(path): cannot open as gzip") }
            gzbuffer(gz, 1 << 18)
            buffer = .allocate(byteCount: 1 << 20, alignment: 16)
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
            var now = stat()
            if fstat(fd, &now) == 0, (now.st_mode & S_IFMT) == S_IFREG, now.st_size > 0,
               let p = mmap(nil, Int(now.st_size), PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
                madvise(p, Int(now.st_size), MADV_SEQUENTIAL)
                madvise(p, Int(now.st_size), MADV_WILLNEED)
                mapped = UnsafeRawBufferPointer(start: p, count: Int(now.st_size))
            } else {
                buffer = .allocate(byteCount: 4 << 20, alignment: 16)
            }
        }
    }

    /// Bytes of the file read so far (compressed bytes for .gz).
    public var position: UInt64 {
        if let gz { return UInt64(max(0, gzoffset(gz))) }
        if mapped != nil { return UInt64(mappedOffset) }
        return UInt64(max(0, lseek(fd, 0, SEEK_CUR)))
    }

    /// Calls `body` with each chunk until the end.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws {
        if let mapped {
            // Slices of the mapping, so that progress moves.
            let slice = 16 << 20
            while mappedOffset < mapped.count {
                let end = min(mapped.count, mappedOffset + slice)
                let chunk = UnsafeRawBufferPointer(rebasing: mapped[mappedOffset..<end])
                mappedOffset = end
                body(chunk)
                // Read pages leave this process's resident set (they stay in the page cache).
                Self.dropBehind(chunk)
            }
            return
        }
        guard let buffer else { return }
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

    /// Unmaps the whole pages of `chunk` from the resident set; reading them again faults them back in.
    public static func dropBehind(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + chunk.count) / page * page
        if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
    }

    deinit {
        if let gz { gzclose(gz) }
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
        if fd >= 0 { close(fd) }
        buffer?.deallocate()
    }
}
