/// A CRI record read in place by a one-pass tally: `<RFC 3339 time> stdout F <text>` hands over
/// its text, exactly where `CRIRecord.read` finds it; anything else (stderr, a part `P`, more
/// tags, a foreign line, a text that is empty or starts with a NUL, which the one pass would
/// read otherwise than `parse`) stops the pass, for the unwrapper to read.
///
/// The time's end (the first space from its 19th byte) is found eight bytes at a time; no byte
/// past the line's newline is used, and none past the span is read (near its end, byte by byte).
struct CRIEnvelope: LineEnvelope {
    private static let spaces: UInt64 = 0x2020_2020_2020_2020
    private static let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    private static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    /// `stdout F` as a little-endian word.
    private static let stdoutF: UInt64 = {
        var w: UInt64 = 0
        for (k, b) in "stdout F".utf8.enumerated() { w |= UInt64(b) << (8 * UInt64(k)) }
        return w
    }()

    /// The high bit of each byte of `w` equal to the byte repeated in `pattern`, and no other.
    @inline(__always)
    private static func equal(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = w ^ pattern
        return ~(((x & lows) &+ lows) | x | lows)
    }

    @inline(__always)
    func content(_ base: UnsafeRawPointer, _ start: Int, _ count: Int) -> Int {
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        guard start &+ 64 <= count else { return Self.slowContent(base, start, count) }
        // `CRIRecord.read`: a digit first, `-` at 4, `T` at 10, the time's end the first space
        // from byte 19 (before 48), no newline before it.
        guard byte(start) &- ASCII.zero < 10, byte(start &+ 4) == ASCII.dash, byte(start &+ 10) == UInt8(ascii: "T") else { return -1 }
        var t = -1
        var at = start
        while at < start &+ 48 {
            let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let newline = Self.equal(w, Self.newlines)
            var space = Self.equal(w, Self.spaces)
            let offset = at &- start
            if offset < 16 { space = 0 } else if offset == 16 { space &= ~0x0000_0000_00FF_FFFF }
            if space | newline != 0 {
                let s = space == 0 ? 64 : space.trailingZeroBitCount
                if newline != 0, newline.trailingZeroBitCount < s { return -1 }
                t = at &+ s &>> 3
                break
            }
            at &+= 8
        }
        guard t >= 0, t < start &+ 48 else { return -1 }
        // ` stdout F ` after the time: one word and a byte.
        guard UInt64(littleEndian: base.loadUnaligned(fromByteOffset: t &+ 1, as: UInt64.self)) == Self.stdoutF,
              byte(t &+ 9) == ASCII.space else { return -1 }
        return Self.text(base, t &+ 10)
    }

    /// Near the span's end: byte by byte, stopping at the line's newline.
    @inline(never)
    private static func slowContent(_ base: UnsafeRawPointer, _ start: Int, _ count: Int) -> Int {
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        var end = start
        while end < count, byte(end) != 0x0A { end += 1 }
        guard end &- start >= 29, byte(start) &- ASCII.zero < 10, byte(start &+ 4) == ASCII.dash,
              byte(start &+ 10) == UInt8(ascii: "T") else { return -1 }
        var t = start &+ 19
        while t < min(end, start &+ 48), byte(t) != ASCII.space { t += 1 }
        guard t < min(end, start &+ 48), t &+ 10 <= end else { return -1 }
        for (k, b) in "stdout F ".utf8.enumerated() where byte(t &+ 1 &+ k) != b { return -1 }
        return text(base, t &+ 10)
    }

    /// The text at `text`, unless the one pass would read it otherwise than `parse` (empty, a lone
    /// `\r`, a leading NUL): then -1.
    @inline(__always)
    private static func text(_ base: UnsafeRawPointer, _ text: Int) -> Int {
        let first = base.load(fromByteOffset: text, as: UInt8.self)
        guard first != 0x0A, first != 0,
              first != ASCII.cr || base.load(fromByteOffset: text &+ 1, as: UInt8.self) != 0x0A else { return -1 }
        return text
    }

    func time(_ base: UnsafeRawPointer, ofLineAt start: Int) -> Int64? {
        var end = start + 19
        while base.load(fromByteOffset: end, as: UInt8.self) != ASCII.space { end += 1 }
        return TimeText.rfc3339(UnsafeRawBufferPointer(start: base + start, count: end - start))
    }
}
