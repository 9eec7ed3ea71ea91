import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// A gzip file inflated member after member (`cat a.gz b.gz` is one file), read from a descriptor.
///
/// Unlike zlib's `gzread`, which ends quietly at a cut-off member and skips whatever follows the
/// last member, it fails on both, as `gzip -t` does: a rotated log that was cut while it was
/// compressed (a full disk, a crash) is reported, not counted as if it were whole.
package final class GzipStream {
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private let fd: Int32
    private let path: String
    private var inputEnded = false
    private var finished = false
    /// Compressed bytes read from the descriptor so far.
    private(set) var consumed: UInt64 = 0

    /// `prefix`: bytes already read from `fd` (standard input, looked at for the gzip magic).
    package init(fd: Int32, path: String, prefix: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws {
        self.fd = fd
        self.path = path
        input = .allocate(byteCount: max(1 << 18, prefix.count), alignment: 16)
        if prefix.count > 0 { input.copyMemory(from: prefix) }
        consumed = UInt64(prefix.count)
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(prefix.count)
        // 15 + 16: a gzip header and trailer, not zlib's or raw deflate.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw LogFileReader.Failure(description: "\(path): cannot start inflating")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Fills `out` with inflated bytes; returns how many, 0 at the end of the last member.
    package func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(out.count)
        while stream.avail_out > 0, !finished {
            if stream.avail_in == 0 {
                try refill()
                if stream.avail_in == 0 {
                    if consumed == 0 { throw failure("empty, not gzip data") }
                    throw failure("truncated gzip data (the file ends inside a compressed member)")
                }
            }
            let rc = inflate(&stream, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // What follows a member: nothing, or another member.
                while stream.avail_in < 2, !inputEnded { try refill() }
                if stream.avail_in == 0 {
                    finished = true
                } else if stream.avail_in >= 2, stream.next_in[0] == 0x1F, stream.next_in[1] == 0x8B {
                    inflateReset(&stream)
                } else {
                    throw failure("trailing garbage after the gzip data (\(stream.avail_in)+ bytes that are not a gzip member)")
                }
            default:
                let why = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw failure("corrupt gzip data (\(why))")
            }
        }
        return out.count - Int(stream.avail_out)
    }

    /// Moves the unread input to the front of the buffer and reads more after it.
    private func refill() throws {
        let kept = Int(stream.avail_in)
        guard let base = input.baseAddress else { return }
        if kept > 0, stream.next_in != base.assumingMemoryBound(to: Bytef.self) {
            memmove(base, stream.next_in, kept)
        }
        stream.next_in = base.assumingMemoryBound(to: Bytef.self)
        guard !inputEnded, kept < input.count else { return }
        while true {
            let n = Glibc.read(fd, base + kept, input.count - kept)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(String(cString: strerror(errno)))
            }
            if n == 0 { inputEnded = true }
            consumed += UInt64(n)
            stream.avail_in = UInt32(kept + n)
            return
        }
    }

    private func failure(_ why: String) -> LogFileReader.Failure {
        LogFileReader.Failure(description: "\(path): \(why)")
    }
}
