/// Cuts a byte stream into lines, across the chunk boundaries of `read(2)`.
///
/// A last line without its newline is held until it is completed (or `flush`ed when its file is
/// rotated away or deleted). A line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes,
/// which is where every format puts its status, and the rest is skipped. A trailing `\r` is dropped.
public struct LineAssembler: Sendable {
    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    /// The held line went over the cap; the bytes up to its newline are skipped.
    private var overlong = false
    /// Lines that were capped.
    public private(set) var cappedLines: UInt64 = 0

    public init(maxLineBytes: Int = 64 * 1024) {
        self.maxLineBytes = max(64, maxLineBytes)
    }

    /// Bytes of an incomplete line held (and skipped bytes of an over-long one): a checkpoint
    /// offset is the read offset minus these, so it never passes an incomplete line.
    public private(set) var pendingBytes: Int = 0

    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        let n = chunk.count
        while start < n {
            // memchr is the fastest way to the next newline.
            let base = chunk.baseAddress! + start
            guard let nl = memchrNewline(base, n - start) else {
                append(UnsafeRawBufferPointer(start: base, count: n - start))
                return
            }
            let end = start + nl
            if partial.isEmpty, !overlong {
                emit(UnsafeRawBufferPointer(start: base, count: nl), body)
            } else {
                append(UnsafeRawBufferPointer(start: base, count: nl))
                partial.withUnsafeBytes { emit($0, body) }
                partial.removeAll(keepingCapacity: partial.capacity <= 4 * maxLineBytes)
                overlong = false
            }
            pendingBytes = 0
            start = end + 1
        }
    }

    /// Emits a held incomplete line as if it had ended: the file will not grow any more.
    public mutating func flush(_ body: (UnsafeRawBufferPointer) -> Void) {
        guard !partial.isEmpty || overlong else { return }
        partial.withUnsafeBytes { emit($0, body) }
        partial.removeAll()
        overlong = false
        pendingBytes = 0
    }

    /// Drops a held incomplete line (a truncated file starts over).
    public mutating func reset() {
        partial.removeAll()
        overlong = false
        pendingBytes = 0
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        pendingBytes += bytes.count
        let room = maxLineBytes - partial.count
        if bytes.count > room {
            if room > 0 { partial.append(contentsOf: bytes.prefix(room)) }
            if !overlong { overlong = true; cappedLines &+= 1 }
        } else {
            partial.append(contentsOf: bytes)
        }
    }

    private func emit(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var count = min(line.count, maxLineBytes)
        if count > 0, line[count - 1] == ASCII.cr { count -= 1 }
        body(UnsafeRawBufferPointer(rebasing: line[0..<count]))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func memchrNewline(_ p: UnsafeRawPointer, _ n: Int) -> Int? {
    guard let hit = memchr(p, 0x0A, n) else { return nil }
    return UnsafeRawPointer(hit) - p
}
