/// Byte constants for the parsers' hot paths.

package enum ASCII {
    package static let space: UInt8 = 0x20
    package static let tab: UInt8 = 0x09
    package static let quote: UInt8 = 0x22
    package static let backslash: UInt8 = 0x5C
    package static let openBracket: UInt8 = 0x5B
    package static let closeBracket: UInt8 = 0x5D
    package static let zero: UInt8 = 0x30
    package static let nine: UInt8 = 0x39
    package static let dash: UInt8 = 0x2D
    package static let plus: UInt8 = 0x2B
    package static let colon: UInt8 = 0x3A
    package static let slash: UInt8 = 0x2F
    package static let cr: UInt8 = 0x0D

    package static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    package static func digit(_ b: UInt8) -> Int { Int(b &- zero) }
}

/// Finding bytes eight at a time in a machine word (SWAR): for the short spans of log lines (JSON
/// keys and values, a combined request) cheaper than a `memchr` call, and exact: the first match is
/// the lowest flagged byte.
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `w` equal to `b` (the lowest flagged byte is exact).
    @inline(__always)
    static func equal(_ w: UInt64, _ b: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(b))
        return (x &- ones) & ~x & highs
    }

    /// The first index `>= from` holding `a` or `b`, else `p.count`.
    @inline(__always)
    static func first(_ a: UInt8, _ b: UInt8, in p: UnsafeRawBufferPointer, from: Int) -> Int {
        let n = p.count
        var j = from
        while j + 8 <= n {
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: j, as: UInt64.self))
            let m = equal(w, a) | equal(w, b)
            if m != 0 { return j + m.trailingZeroBitCount >> 3 }
            j += 8
        }
        while j < n {
            let c = p[j]
            if c == a || c == b { return j }
            j += 1
        }
        return n
    }

    /// The first index `>= from` holding `a`, else `p.count`.
    @inline(__always)
    static func first(_ a: UInt8, in p: UnsafeRawBufferPointer, from: Int) -> Int {
        let n = p.count
        var j = from
        while j + 8 <= n {
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: j, as: UInt64.self))
            let m = equal(w, a)
            if m != 0 { return j + m.trailingZeroBitCount >> 3 }
            j += 8
        }
        while j < n {
            if p[j] == a { return j }
            j += 1
        }
        return n
    }

    /// The end of a string whose contents start at `from`: the index of the first quote not
    /// escaped by a backslash (a backslash escapes the byte after it), else nil.
    @inline(__always)
    static func closingQuote(in p: UnsafeRawBufferPointer, from: Int) -> Int? {
        let n = p.count
        var j = from
        while true {
            let k = first(ASCII.quote, ASCII.backslash, in: p, from: j)
            if k >= n { return nil }
            if p[k] == ASCII.quote { return k }
            j = k + 2
            if j >= n { return nil }
        }
    }
}
