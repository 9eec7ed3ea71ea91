import CMapGuard
import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Reads a log file whole, plain or gzip-compressed (rotated `.gz`), in large chunks; or standard
/// input, given as `-` (plain or gzip, told by its first bytes).
///
/// A plain file is mapped (`mmap`, `MADV_SEQUENTIAL`): its bytes are parsed where the page cache
/// holds them, with no copy into a buffer; where mapping fails it is read in 4 MiB chunks. A `.gz`
/// file is inflated in 1 MiB chunks. Only regular files are read: a device (`/dev/zero`) or a FIFO
/// would never end or never be whole, so they are refused; `-` reads a pipe.
///
/// A file that shrinks while it is read (truncated, or rewritten by logrotate's `copytruncate`)
/// is an error, not a SIGBUS: the mapping is guarded (CMapGuard puts pages of newlines over the
/// lost part), and the reader stops after the chunk that met the cut and says so. A cut-off `.gz`, or
/// bytes after its last member, is an error too (see `GzipStream`).
package final class LogFileReader {
    private var gz: GzipStream?
    private var fd: Int32 = -1
    package let path: String
    /// The file's size on disk (compressed size for .gz; 0 for standard input), for progress.
    package let size: UInt64
    private var buffer: UnsafeMutableRawBufferPointer?
    /// The whole plain file, mapped.
    package private(set) var mapped: UnsafeRawBufferPointer?
    private var mappedOffset = 0
    /// The mapping's CMapGuard slot.
    private var guardSlot: Int32 = -1
    /// Bytes read through `read` so far (compressed bytes for .gz).
    private var readBytes: UInt64 = 0
    /// Standard input's first bytes, read to tell gzip from plain text, not yet handed on.
    private var pending = 0

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The path that names standard input.
    package static let standardInput = "-"

    package init(path: String) throws {
        self.path = path
        if path == Self.standardInput {
            size = 0
            try openStandardInput()
            return
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "\(path): not a regular file (\(Self.kind(st.st_mode))); replay reads log files, or standard input given as -")
        }
        size = UInt64(st.st_size)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        var now = stat()
        guard fstat(fd, &now) == 0, (now.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "\(path): not a regular file; replay reads log files, or standard input given as -")
        }
        if path.hasSuffix(".gz") {
            gz = try GzipStream(fd: fd, path: path)
            buffer = .allocate(byteCount: 1 << 20, alignment: 16)
            return
        }
        if now.st_size > 0, cmapguard_install() == 0,
           let p = mmap(nil, Int(now.st_size), PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
            guardSlot = cmapguard_add(p, Int(now.st_size))
            if guardSlot >= 0 {
                madvise(p, Int(now.st_size), MADV_SEQUENTIAL)
                madvise(p, Int(now.st_size), MADV_WILLNEED)
                mapped = UnsafeRawBufferPointer(start: p, count: Int(now.st_size))
                return
            }
            // No guard slot left: reading is safe, a mapping is not.
            munmap(p, Int(now.st_size))
        }
        buffer = .allocate(byteCount: 4 << 20, alignment: 16)
    }

    private func openStandardInput() throws {
        fd = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 16)
        self.buffer = buffer
        // Enough of the start to see the gzip magic (1f 8b).
        var n = 0
        while n < 2 {
            let got = read(0, buffer.baseAddress! + n, buffer.count - n)
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "standard input: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            n += got
        }
        readBytes = UInt64(n)
        if n >= 2, buffer[0] == 0x1F, buffer[1] == 0x8B {
            gz = try GzipStream(fd: 0, path: "standard input", prefix: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            return
        }
        pending = n
    }

    /// Bytes of the file read so far (compressed bytes for .gz).
    package var position: UInt64 {
        if let gz { return gz.consumed }
        if mapped != nil { return UInt64(mappedOffset) }
        return readBytes
    }

    /// Calls `body` with each chunk until the end. Throws when the file turns out cut off or
    /// shrinks under the reader, after the chunk that met it (whose end may be empty lines: the
    /// caller prints no counts then).
    package func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws {
        if let mapped {
            // Slices of the mapping, so that progress moves.
            let slice = 16 << 20
            while mappedOffset < mapped.count {
                let end = min(mapped.count, mappedOffset + slice)
                let chunk = UnsafeRawBufferPointer(rebasing: mapped[mappedOffset..<end])
                mappedOffset = end
                body(chunk)
                try checkIntact()
                // Read pages leave this process's resident set (they stay in the page cache).
                Self.dropBehind(chunk)
            }
            try checkIntact()
            return
        }
        guard let buffer else { return }
        if pending > 0 {
            let n = pending
            pending = 0
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        while true {
            let n: Int
            if let gz {
                n = try gz.read(into: buffer)
            } else {
                n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
                }
                readBytes += UInt64(n)
            }
            if n == 0 { break }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        if gz == nil, fd != 0 { try checkIntact() }
    }

    /// Whether the mapping lost pages (the file shrank under it), for readers on other threads.
    package var lostBytes: @Sendable () -> Bool {
        let slot = guardSlot
        return { slot >= 0 && cmapguard_faults(slot) > 0 }
    }

    /// Throws when the file lost bytes the reader was to read: a mapped page gone (the guard
    /// counted a fault), or the file now shorter than what was mapped or read.
    package func checkIntact() throws {
        guard fd > 0 else { return }
        var now = stat()
        let faults = guardSlot >= 0 ? cmapguard_faults(guardSlot) : 0
        let expected = mapped.map { UInt64($0.count) } ?? readBytes
        let current = fstat(fd, &now) == 0 ? UInt64(max(0, now.st_size)) : expected
        guard faults > 0 || current < expected else { return }
        throw Failure(description: """
            \(path): the file shrank from \(expected) to \(current) bytes while it was read (truncated, \
            or rotated with copytruncate); the replay stopped there and counts nothing. Replay a copy, \
            or the rotated file, instead
            """)
    }

    /// Unmaps the whole pages of `chunk` from the resident set; reading them again faults them back in.
    package static func dropBehind(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + chunk.count) / page * page
        if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED) }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a directory"
        default: return "not a plain file"
        }
    }

    deinit {
        gz = nil
        if guardSlot >= 0 { cmapguard_remove(guardSlot) }
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
        if fd > 0 { close(fd) }
        buffer?.deallocate()
    }
}
