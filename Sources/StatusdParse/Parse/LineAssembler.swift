/// Cuts a byte stream into lines, across the chunk boundaries of `read(2)`.
///
/// A last line without its newline is held until it is completed (or `flush`ed when its file is
/// rotated away or deleted). A line longer than `maxLineBytes` keeps its head and its last
/// `tailBytes` bytes and is counted: the status sits near the start of most formats, and right
/// after the request in combined, whose over-long part is usually the URL. A trailing `\r` is dropped.
public struct LineAssembler: Sendable {
    public let maxLineBytes: Int
    private var partial: [UInt8] = []
    /// The held line went over the cap; its middle is skipped, its last bytes kept in `tail`.
    private var overlong = false
    private var tail: [UInt8] = []
    /// Bytes kept from the end of an over-long line.
    public var tailBytes: Int { maxLineBytes / 4 }
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
                emitHeld(body)
            }
            pendingBytes = 0
            start = end + 1
        }
    }

    /// As `feed`, for a parser that reads many lines in one pass: a held line completed by the chunk's
    /// first bytes goes to `line`, then the complete lines after it go to `lines` in one call, as the
    /// bytes from the first line's start through the last newline (each line still ends with its
    /// `\n`, and its `\r` and leading NULs are still there: `trimmed` is what `feed` would hand on).
    /// The incomplete last line is held, as `feed` holds it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, line: (UnsafeRawBufferPointer) -> Void,
                              lines: (UnsafeRawBufferPointer) -> Void) {
        let n = chunk.count
        guard n > 0, let base = chunk.baseAddress else { return }
        var start = 0
        if !partial.isEmpty || overlong {
            guard let nl = memchrNewline(base, n) else {
                append(chunk)
                return
            }
            append(UnsafeRawBufferPointer(start: base, count: nl))
            emitHeld(line)
            pendingBytes = 0
            start = nl + 1
        }
        // The last newline: the lines before it are complete.
        var end = n
        while end > start, base.load(fromByteOffset: end - 1, as: UInt8.self) != 0x0A { end -= 1 }
        if end > start {
            lines(UnsafeRawBufferPointer(start: base + start, count: end - start))
            pendingBytes = 0
        }
        if end < n { append(UnsafeRawBufferPointer(start: base + end, count: n - end)) }
    }

    /// The line `feed` hands on for the bytes of one line without its newline: without a trailing
    /// `\r` and leading NULs; nil for a line of NULs only.
    @inline(__always)
    public static func trimmed(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var count = line.count
        var start = 0
        if count > 0, line[0] == 0 {
            while start < count, line[start] == 0 { start += 1 }
            if start == count { return nil }
        }
        if count > start, line[count - 1] == ASCII.cr { count -= 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<count])
    }

    /// Emits a held incomplete line as if it had ended: the file will not grow any more.
    public mutating func flush(_ body: (UnsafeRawBufferPointer) -> Void) {
        guard !partial.isEmpty || overlong else { return }
        emitHeld(body, keepingCapacity: false)
        pendingBytes = 0
    }

    /// Emits the held line (with the tail of an overlong one) and forgets it; its buffer is kept
    /// for the next one unless it grew past four lines' worth.
    private mutating func emitHeld(_ body: (UnsafeRawBufferPointer) -> Void, keepingCapacity keep: Bool = true) {
        if overlong { partial += tail }
        partial.withUnsafeBytes { emit($0, body) }
        partial.removeAll(keepingCapacity: keep && partial.capacity <= 4 * maxLineBytes)
        tail.removeAll(keepingCapacity: keep)
        overlong = false
    }

    /// Drops a held incomplete line (a truncated file starts over).
    public mutating func reset() {
        partial.removeAll()
        tail.removeAll()
        overlong = false
        pendingBytes = 0
    }

    private mutating func append(_ all: UnsafeRawBufferPointer) {
        pendingBytes += all.count
        var bytes = all
        if partial.isEmpty, !overlong {
            // A run of NULs before a line's first byte is a hole, not part of the line.
            var k = 0
            while k < bytes.count, bytes[k] == 0 { k += 1 }
            bytes = UnsafeRawBufferPointer(rebasing: bytes[k...])
        }
        let headCap = maxLineBytes - tailBytes
        if !overlong, partial.count + bytes.count <= maxLineBytes {
            partial.append(contentsOf: bytes)
            return
        }
        if !overlong {
            overlong = true
            cappedLines &+= 1
            // Everything past the head moves to the tail.
            if partial.count > headCap {
                tail = Array(partial[headCap...])
                partial.removeSubrange(headCap...)
            }
            let room = headCap - partial.count
            partial.append(contentsOf: bytes.prefix(room))
            bytes = UnsafeRawBufferPointer(rebasing: bytes[min(room, bytes.count)...])
        }
        if bytes.count >= tailBytes {
            tail = Array(bytes.suffix(tailBytes))
        } else {
            tail.append(contentsOf: bytes)
            if tail.count > tailBytes { tail.removeFirst(tail.count - tailBytes) }
        }
    }

    /// Hands a line on without its `\r`. Leading NUL bytes are skipped: a writer that keeps its
    /// old offset after a truncation leaves a hole of NULs before its next line. A line of NULs
    /// only is no line.
    private func emit(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        if let l = Self.trimmed(line) { body(l) }
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
