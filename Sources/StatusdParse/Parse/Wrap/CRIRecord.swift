#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One record of a CRI log file (containerd, CRI-O): `<RFC 3339 time> <stdout|stderr> <tag> <content>`,
/// the tag `F` (the content ends a line) or `P` (the runtime split a long line; the next records of
/// the same stream continue it), possibly with more tags after a `:`.
struct CRIRecord {
    /// The time's bytes end here (they start at 0).
    var timeEnd: Int
    var stream: ContainerStream
    var partial: Bool
    /// The content starts here and runs to the end of the line.
    var content: Int

    /// Reads the envelope; nil when the line is not a CRI record.
    @inline(__always)
    static func read(_ p: UnsafeRawBufferPointer) -> CRIRecord? {
        let n = p.count
        // The shortest: `2026-12-07T12:00:01Z stdout F` (29 bytes).
        guard n >= 29, let base = p.baseAddress, ASCII.isDigit(p[0]), p[4] == ASCII.dash, p[10] == UInt8(ascii: "T"),
              let hit = memchr(base + 19, Int32(ASCII.space), min(n, 48) - 19)
        else { return nil }
        let t = UnsafeRawPointer(hit) - base
        guard t + 9 <= n else { return nil }
        let stream: ContainerStream
        if Self.word(p, t + 1, "stdout") { stream = .stdout } else if Self.word(p, t + 1, "stderr") { stream = .stderr } else { return nil }
        guard p[t + 7] == ASCII.space else { return nil }
        let tag = p[t + 8]
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P") else { return nil }
        var i = t + 9
        // Further tags (`F:x`) up to the space before the content; no content at all is an empty line.
        while i < n, p[i] != ASCII.space { i += 1 }
        return CRIRecord(timeEnd: t, stream: stream, partial: tag == UInt8(ascii: "P"), content: min(i + 1, n))
    }

    @inline(__always)
    private static func word(_ p: UnsafeRawBufferPointer, _ at: Int, _ w: StaticString) -> Bool {
        let s = w.utf8Start
        for k in 0..<w.utf8CodeUnitCount where p[at + k] != s[k] { return false }
        return true
    }
}
