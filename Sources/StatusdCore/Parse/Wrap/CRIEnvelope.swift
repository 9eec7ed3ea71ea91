/// A CRI record read in place by a one-pass tally: `<RFC 3339 time> stdout F <text>` hands over
/// its text; anything else (stderr, a part `P`, more tags, a foreign line, a text that is empty,
/// starts with a NUL or that `parse` would be handed otherwise) stops the pass, for the
/// unwrapper to read. Every byte it looks at is compared before the next is read, and a newline
/// matches nothing, so it never reads past the line.
struct CRIEnvelope: LineEnvelope {
    @inline(__always)
    func content(_ base: UnsafeRawPointer, _ start: Int) -> Int {
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        // `2026-12-07T15:06:42.123456789Z`: digits, then the time's own bytes up to a space.
        guard byte(start) &- ASCII.zero < 10 else { return -1 }
        var i = start &+ 1
        while true {
            let b = byte(i)
            if b == ASCII.space { break }
            // Digits and `-:.+TZ`; a newline, NUL or anything else ends the record as foreign.
            guard b &- ASCII.zero < 10 || b == ASCII.dash || b == ASCII.colon || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "T") || b == UInt8(ascii: "Z") else { return -1 }
            i &+= 1
            if i &- start > 40 { return -1 }
        }
        // The same shape `CRIRecord.read` requires: at least 19 bytes of time, `T` at 10.
        guard i &- start >= 19, byte(start &+ 4) == ASCII.dash, byte(start &+ 10) == UInt8(ascii: "T") else { return -1 }
        guard byte(i &+ 1) == UInt8(ascii: "s"), byte(i &+ 2) == UInt8(ascii: "t"), byte(i &+ 3) == UInt8(ascii: "d"),
              byte(i &+ 4) == UInt8(ascii: "o"), byte(i &+ 5) == UInt8(ascii: "u"), byte(i &+ 6) == UInt8(ascii: "t"),
              byte(i &+ 7) == ASCII.space, byte(i &+ 8) == UInt8(ascii: "F"), byte(i &+ 9) == ASCII.space
        else { return -1 }
        let text = i &+ 10
        // An empty text, or one that starts with a NUL (the one pass would trim it, `parse` not).
        let first = byte(text)
        guard first != 0x0A, first != 0, first != ASCII.cr || byte(text &+ 1) != 0x0A else { return -1 }
        return text
    }

    func time(_ base: UnsafeRawPointer, ofLineAt start: Int) -> Int64? {
        var end = start
        while base.load(fromByteOffset: end, as: UInt8.self) != ASCII.space { end += 1 }
        return TimeText.rfc3339(UnsafeRawBufferPointer(start: base + start, count: end - start))
    }
}
