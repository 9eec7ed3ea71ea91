/// Turns a label's bytes into the text rules group and count by, into a reused buffer (no
/// allocation once warm): a host lowercased without its port, a path without its query string and
/// with ids folded (`/api/orders/12345` → `/api/orders/:id`), an upstream as written.
///
/// Log lines are untrusted: a path segment with bytes routes do not use becomes `:odd`, a host keeps
/// host-name bytes only (others become `?`), an upstream printable ASCII, all of bounded length, so
/// a scanner's probe can neither put markup, mentions or links in a message nor make it huge.
public enum LabelText {
    public static let maxHost = 253
    public static let maxPath = 200
    public static let maxUpstream = 100

    /// Appends the host of `r` (lowercase, no `:port`, no trailing dot) to `out`.
    public static func host(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, into out: inout [UInt8]) {
        let start = out.count
        var end = r.upperBound
        if p[r.lowerBound] != ASCII.openBracket { // not an IPv6 literal: cut the port
            var k = r.lowerBound
            while k < end, p[k] != ASCII.colon { k += 1 }
            end = k
        }
        var i = r.lowerBound
        while i < end, out.count - start < maxHost {
            var b = p[i]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            out.append(isHostByte(b) ? b : UInt8(ascii: "?"))
            i += 1
        }
        if out.count > start + 1, out.last == UInt8(ascii: ".") { out.removeLast() }
    }

    /// Appends the path of target `r`, query string dropped and ids folded, to `out`. `segments`:
    /// only the first so many segments (`path_prefix` takes 1); `/` when the path is empty.
    public static func path(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, segments: Int = .max, into out: inout [UInt8]) {
        let start = out.count
        var i = r.lowerBound
        var end = r.upperBound
        var k = i
        while k < end, p[k] != UInt8(ascii: "?"), p[k] != UInt8(ascii: "#") { k += 1 }
        end = k
        var taken = 0
        while i < end, taken < segments {
            // One segment: from after a '/' to the next.
            if p[i] == ASCII.slash { i += 1 }
            var j = i
            while j < end, p[j] != ASCII.slash { j += 1 }
            if out.count - start + 1 + (j - i) > maxPath { break }
            out.append(ASCII.slash)
            if isID(p, i..<j) {
                out.append(contentsOf: idText)
            } else if isRouteSegment(p, i..<j) {
                for x in i..<j { out.append(p[x]) }
            } else {
                out.append(contentsOf: oddText)
            }
            taken += 1
            i = j
            if i == end - 1, p[i] == ASCII.slash, taken < segments { out.append(ASCII.slash); break } // trailing slash
        }
        if out.count == start { out.append(ASCII.slash) }
    }

    /// Appends an upstream address (the last of a comma-separated list of tries) to `out`.
    public static func upstream(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, into out: inout [UInt8]) {
        var i = r.upperBound
        while i > r.lowerBound, p[i - 1] != UInt8(ascii: ",") { i -= 1 }
        while i < r.upperBound, p[i] == ASCII.space { i += 1 }
        let start = out.count
        while i < r.upperBound, out.count - start < maxUpstream {
            out.append(printable(p[i]))
            i += 1
        }
    }

    static let idText: [UInt8] = Array(":id".utf8)
    /// A segment with bytes routes do not use (markup, mentions, links, spaces, non-ASCII): a
    /// scanner's probe more often than a page, and never shown as it was written.
    static let oddText: [UInt8] = Array(":odd".utf8)

    /// Letters, digits and `-._~%+=,`: what application routes are made of (percent-encoded
    /// text stays encoded). Everything a chat service reads as markup or a mention is left out.
    @inline(__always)
    static func isRouteByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "+"),
             UInt8(ascii: "="), UInt8(ascii: ","): return true
        default: return false
        }
    }

    static func isRouteSegment(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        for i in r where !isRouteByte(p[i]) { return false }
        return true
    }

    /// A host name's bytes (lowercased first), and an IPv6 literal's.
    @inline(__always)
    static func isHostByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
             ASCII.openBracket, ASCII.closeBracket: return true
        default: return false
        }
    }

    @inline(__always)
    static func printable(_ b: UInt8) -> UInt8 { b > 0x20 && b < 0x7F ? b : UInt8(ascii: "?") }

    /// A segment that names one thing rather than a kind of thing: all digits, a UUID, or a long
    /// hex string with a digit in it (`5f2b9c0e`, an object id, a hash).
    static func isID(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        guard !r.isEmpty else { return false }
        var digits = 0, hex = 0, dashes = 0
        for i in r {
            let b = p[i]
            if ASCII.isDigit(b) { digits += 1 } else if (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 { hex += 1 } else if b == ASCII.dash { dashes += 1 } else { return false }
        }
        if digits == r.count { return true }
        if dashes == 4, r.count == 36 { return isUUID(p, r) }
        return dashes == 0 && digits > 0 && r.count >= 8
    }

    private static func isUUID(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        for (n, i) in r.enumerated() where (n == 8 || n == 13 || n == 18 || n == 23) != (p[i] == ASCII.dash) { return false }
        return true
    }
}

extension LabelText {
    /// The folded path of a String (tests and tools).
    public static func path(_ s: String, segments: Int = .max) -> String {
        var copy = s
        var out: [UInt8] = []
        copy.withUTF8 { b in
            let p = UnsafeRawBufferPointer(b)
            path(p, 0..<p.count, segments: segments, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The normalised host of a String (tests and tools).
    public static func host(_ s: String) -> String {
        var copy = s
        var out: [UInt8] = []
        copy.withUTF8 { b in
            let p = UnsafeRawBufferPointer(b)
            if !p.isEmpty { host(p, 0..<p.count, into: &out) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
