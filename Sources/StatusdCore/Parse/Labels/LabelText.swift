/// Turns a label's bytes into the text rules group and count by, into a reused buffer (no
/// allocation once warm): a host lowercased without its port, a path without its query string and
/// with ids folded (`/api/orders/12345` → `/api/orders/:id`), an upstream as written.
///
/// Log lines are untrusted: the text is kept to printable ASCII (other bytes become `?`) and to a
/// bounded length, so a scanner's garbage cannot make a group value or a message huge.
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
            out.append(printable(b))
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
            } else {
                for x in i..<j { out.append(printable(p[x])) }
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
