import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

extension Tailer {
    /// Reads what was appended to `f` since the last read, up to 16 MiB at a time.
    ///
    /// A file that shrank below the offset, or whose first bytes changed (rewritten in place,
    /// copytruncate), is never resumed from the old offset: what statusd had not read yet is read
    /// from the rotated copy when one is found (same first bytes), then the file from its start.
    @discardableResult
    func read<S: LineSink>(_ f: TailedFile, into sink: inout S, now: Int64) -> Int {
        // A closed file (idle, or waiting for a descriptor) is opened again first.
        guard f.isOpen || reattach(f, now: now) else { return 0 }
        guard let st = FileStat.fd(f.fd) else { return 0 }
        let size = UInt64(st.st_size)
        if size < f.offset || !f.fingerprint.matches(fd: f.fd) {
            restartAfterTruncation(f, size: size, into: &sink, now: now)
        }
        let total = readRange(f, fd: f.fd, into: &sink, now: now)
        if total > 0 {
            f.lastGrowth = now
            generation &+= 1
            bytesRead &+= UInt64(total)
            if f.fingerprint.length < Fingerprint.maxLength, let fp = Fingerprint.of(fd: f.fd) { f.fingerprint = fp }
        }
        return total
    }

    /// Decodes `fd` from `f.offset` to its end (16 MiB at most) through `f`'s decoder into `sink`.
    func readRange<S: LineSink>(_ f: TailedFile, fd: Int32, into sink: inout S, now: Int64) -> Int {
        var total = 0
        sink.enterSource(f.pod, input: f.inputIndex)
        while total < 16 * 1024 * 1024 {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(f.offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            let lines = f.decoder.decode(chunk, input: f.inputIndex, arrival: now, into: &sink)
            f.lines &+= UInt64(lines)
            f.offset += UInt64(n)
            total += n
        }
        return total
    }

    private func restartAfterTruncation<S: LineSink>(_ f: TailedFile, size: UInt64, into sink: inout S, now: Int64) {
        if let copy = findCopy(of: f.fingerprint, atLeast: f.offset, near: f.path, excluding: f.identity) {
            // copytruncate: finish what was not read yet from the copy, then start over.
            let fd = open(copy, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                while readRange(f, fd: fd, into: &sink, now: now) > 0 {}
                close(fd)
            }
            logger.notice("\(f.path) was copied and truncated; finished it from \(copy), reading the new content from its start")
        } else {
            logger.notice("\(f.path) was truncated or rewritten; reading it from its start",
                          metadata: ["was": "\(f.offset)", "size": "\(size)"])
        }
        f.decoder.flush(input: f.inputIndex, arrival: now, into: &sink)
        f.decoder.reset()
        f.offset = 0
        f.fingerprint = Fingerprint.of(fd: f.fd) ?? .empty
        generation &+= 1
    }

    /// A regular, uncompressed file in `path`'s directory whose first bytes are `fingerprint`
    /// and which holds at least `atLeast` bytes: the copy logrotate's copytruncate made.
    func findCopy(of fingerprint: Fingerprint, atLeast: UInt64, near path: String, excluding: FileIdentity?) -> String? {
        guard fingerprint.length > 0 else { return nil }
        let dir = PathPattern(path).directory
        for candidate in PathPattern.listDirectory(dir) {
            guard case .success(let st) = FileStat.path(candidate), (st.st_mode & S_IFMT) == S_IFREG,
                  UInt64(st.st_size) >= atLeast, FileIdentity(st) != excluding else { continue }
            let fd = open(candidate, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if fingerprint.matches(fd: fd) { return candidate }
        }
        return nil
    }

}
