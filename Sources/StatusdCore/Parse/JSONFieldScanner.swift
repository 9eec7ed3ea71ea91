#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the values of a few wanted keys in one JSON object, on bytes, without building it.
///
/// Paths are dotted (`request.status`) for nested objects. Scalars come back as byte ranges:
/// a string's contents without quotes, or a number's text. Everything else is skipped.
///
/// Speed: every key segment lives in one flat byte array, so matching a key touches no reference
/// counts; strings are skipped eight bytes at a time to their closing quote (`WordScan`).
struct JSONFieldScanner: Sendable {
    /// One key segment of a wanted path.
    struct Segment: Sendable {
        var path: Int
        var depth: Int
        var start: Int
        var count: Int
        var last: Bool
    }

    let pathCount: Int
    private let segments: [Segment]
    private let keyBytes: [UInt8]
    /// The segments that are a whole path at the top level (`status`, not `request.status`): all
    /// that `scanFlat` needs.
    private let topKeys: [Segment]

    init(paths: [String]) {
        pathCount = paths.count
        var segments: [Segment] = []
        var keyBytes: [UInt8] = []
        for (k, path) in paths.enumerated() {
            let parts = path.split(separator: ".").map { Array($0.utf8) }
            for (d, part) in parts.enumerated() {
                segments.append(Segment(path: k, depth: d, start: keyBytes.count, count: part.count, last: d == parts.count - 1))
                keyBytes += part
            }
        }
        self.segments = segments
        self.keyBytes = keyBytes
        topKeys = segments.filter { $0.depth == 0 && $0.last }
    }

    /// The fast path for the usual line: a flat object (string and plain scalar values only) with
    /// no backslash anywhere after its brace. Every quote is then a string's start or end, so the
    /// quotes are found in one pass over the line, eight bytes at a time, never looked at twice
    /// (`QuoteCursor`), and a key is compared only when its length is a wanted key's.
    ///
    /// On success the value ranges are what `scanObject` gives and the object is `simple`; it
    /// returns where the object ends. Anything else (a nested object, an array, a backslash, a
    /// bare value holding a quote, bracket, brace or blank, a malformed object) gives nil and
    /// leaves the line to `scanObject`, which decides.
    func scanFlat(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> Int? {
        let n = p.count
        guard pathCount < 63, n - start >= 8, let base = p.baseAddress, p[start] == UInt8(ascii: "{"),
              memchr(base + start, Int32(ASCII.backslash), n - start) == nil else { return nil }
        let all = (1 << pathCount) - 1
        return found.withUnsafeMutableBufferPointer { f -> Int? in
            for k in f.indices { f[k] = nil }
            return keyBytes.withUnsafeBytes { kb -> Int? in
                topKeys.withUnsafeBufferPointer { tops -> Int? in
                    var quotes = QuoteCursor(p, from: start)
                    var foundMask = 0
                    var i = start + 1
                    Self.skipBlanks(p, &i)
                    while true {
                        // "key"
                        guard i < n, p[i] == ASCII.quote, quotes.next() == i else { return nil }
                        let keyEnd = quotes.next()
                        guard keyEnd < n else { return nil }
                        let keyStart = i + 1
                        i = keyEnd + 1
                        Self.skipBlanks(p, &i)
                        guard i < n, p[i] == ASCII.colon else { return nil }
                        i += 1
                        Self.skipBlanks(p, &i)
                        guard i < n else { return nil }
                        var here = 0
                        if foundMask != all {
                            let length = keyEnd - keyStart
                            for t in tops where t.count == length && foundMask & (1 << t.path) == 0 {
                                if Self.same(base + keyStart, kb.baseAddress! + t.start, length) { here |= 1 << t.path }
                            }
                        }
                        // : value
                        let value: Range<Int>
                        if p[i] == ASCII.quote {
                            guard quotes.next() == i else { return nil }
                            let end = quotes.next()
                            guard end < n else { return nil }
                            value = (i + 1)..<end
                            i = end + 1
                        } else {
                            let s = i
                            while i < n {
                                let b = p[i]
                                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") { break }
                                if b <= ASCII.space || b == ASCII.quote || b == UInt8(ascii: "{") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") {
                                    return nil
                                }
                                i += 1
                            }
                            value = s..<i
                        }
                        if here != 0 {
                            for k in f.indices where here & (1 << k) != 0 && f[k] == nil {
                                f[k] = value
                                foundMask |= 1 << k
                            }
                        }
                        Self.skipBlanks(p, &i)
                        guard i < n else { return nil }
                        if p[i] == UInt8(ascii: ",") {
                            i += 1
                            Self.skipBlanks(p, &i)
                            continue
                        }
                        if p[i] == UInt8(ascii: "}") { return i + 1 }
                        return nil
                    }
                }
            }
        }
    }

    /// Whether `count` bytes at `a` and `b` are equal: a short key byte by byte, inline (a
    /// `memcmp` call costs more than the compare).
    @inline(__always)
    private static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        guard count <= 16 else { return memcmp(a, b, count) == 0 }
        for k in 0..<count where a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
        return true
    }

    /// As `Walk.skipSpace`: spaces, tabs, line feeds and carriage returns.
    @inline(__always)
    private static func skipBlanks(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count, p[i] <= ASCII.space, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
    }

    /// The value range of each wanted path (nil when absent); `false` when the text is not an object.
    func scan(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> Bool {
        scanObject(p, from: start, into: &found) != nil
    }

    /// As `scan`; on success, where the object ends (just after its `}`) and whether it was
    /// `simple`: no array and no bare value holding a quote, brace, bracket or backslash, so that a
    /// brace-and-string tracker run over it ends where it started (outside strings, same depth).
    func scanObject(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> (end: Int, simple: Bool)? {
        found.withUnsafeMutableBufferPointer { f in
            for k in f.indices { f[k] = nil }
            return keyBytes.withUnsafeBufferPointer { kb in
                segments.withUnsafeBufferPointer { segs in
                    var walk = Walk(p: p, keys: UnsafeRawBufferPointer(kb), segments: segs, found: f)
                    var i = start
                    walk.skipSpace(&i)
                    guard i < p.count, p[i] == UInt8(ascii: "{") else { return nil }
                    let all = pathCount >= 63 ? -1 : (1 << pathCount) - 1
                    guard walk.object(&i, depth: 0, active: all) else { return nil }
                    return (i, walk.simple)
                }
            }
        }
    }

    private struct Walk {
        let p: UnsafeRawBufferPointer
        let keys: UnsafeRawBufferPointer
        let segments: UnsafeBufferPointer<Segment>
        let found: UnsafeMutableBufferPointer<Range<Int>?>
        /// No array and no bare value with a quote, brace, bracket or backslash so far.
        var simple = true
        /// Paths already found: later matches would be ignored, so they are not compared.
        var foundMask = 0

        mutating func object(_ i: inout Int, depth: Int, active: Int) -> Bool {
            i += 1 // {
            skipSpace(&i)
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return true }
            while i < p.count {
                skipSpace(&i)
                guard i < p.count, p[i] == ASCII.quote, let key = string(&i) else { return false }
                skipSpace(&i)
                guard i < p.count, p[i] == ASCII.colon else { return false }
                i += 1
                skipSpace(&i)
                // Which wanted paths continue with this key at this depth.
                var here = 0, deeper = 0
                let open = active & ~foundMask
                if open != 0 {
                    for s in segments where s.depth == depth && open & (1 << s.path) != 0 {
                        if equal(key, s) {
                            if s.last { here |= 1 << s.path } else { deeper |= 1 << s.path }
                        }
                    }
                }
                guard i < p.count else { return false }
                let c = p[i]
                if c == UInt8(ascii: "{") {
                    guard object(&i, depth: depth + 1, active: deeper) else { return false }
                } else if c == ASCII.quote {
                    guard let r = string(&i) else { return false }
                    if here != 0 { record(here, r) }
                } else if c == UInt8(ascii: "[") {
                    simple = false
                    guard skipArray(&i) else { return false }
                } else {
                    let s = i
                    while i < p.count, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "}"), p[i] != ASCII.space,
                          p[i] != ASCII.tab, p[i] != UInt8(ascii: "\n"), p[i] != ASCII.cr {
                        let b = p[i]
                        if b == ASCII.quote || b == ASCII.backslash || b == UInt8(ascii: "{") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") {
                            simple = false
                        }
                        i += 1
                    }
                    if here != 0 { record(here, s..<i) }
                }
                skipSpace(&i)
                guard i < p.count else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; return true }
                return false
            }
            return false
        }

        @inline(__always)
        private mutating func record(_ mask: Int, _ r: Range<Int>) {
            for k in found.indices where mask & (1 << k) != 0 && found[k] == nil {
                found[k] = r
                foundMask |= 1 << k
            }
        }

        /// A string at `i` (on its quote): the range of its contents; `i` moves past it. The closing
        /// quote is the first one not escaped by an odd run of backslashes.
        @inline(__always)
        func string(_ i: inout Int) -> Range<Int>? {
            let s = i + 1
            guard let q = WordScan.closingQuote(in: p, from: s) else { return nil }
            i = q + 1
            return s..<q
        }

        func skipArray(_ i: inout Int) -> Bool {
            var depth = 0
            while i < p.count {
                let b = p[i]
                if b == ASCII.quote { guard string(&i) != nil else { return false }; continue }
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
                if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                }
                i += 1
            }
            return false
        }

        @inline(__always)
        func skipSpace(_ i: inout Int) {
            while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
        }

        @inline(__always)
        private func equal(_ r: Range<Int>, _ s: Segment) -> Bool {
            guard r.count == s.count else { return false }
            guard s.count > 0 else { return true }
            return memcmp(p.baseAddress! + r.lowerBound, keys.baseAddress! + s.start, s.count) == 0
        }
    }
}

/// The quotes of a line in order, each found once: the bytes are read eight at a time and every
/// quote of a word is handed out before the next word is read. Exact per byte (no borrow between
/// bytes, unlike `WordScan.equal`), because every flagged byte is used, not only the first.
struct QuoteCursor {
    private let p: UnsafeRawBufferPointer
    private var at: Int
    private var bits: UInt64

    /// Needs at least eight bytes in `p` (the last word is read ending at the buffer's end).
    @inline(__always)
    init(_ p: UnsafeRawBufferPointer, from start: Int) {
        self.p = p
        at = start
        bits = Self.flags(p, at: start)
    }

    /// The next quote's index, or `p.count` when there is none.
    @inline(__always)
    mutating func next() -> Int {
        while bits == 0 {
            at &+= 8
            if at >= p.count { return p.count }
            bits = Self.flags(p, at: at)
        }
        let k = at &+ bits.trailingZeroBitCount &>> 3
        bits &= bits &- 1
        return k
    }

    /// High bit of each byte of `p[j..<j + 8]` that is a quote (bytes past the end are not).
    @inline(__always)
    private static func flags(_ p: UnsafeRawBufferPointer, at j: Int) -> UInt64 {
        let n = p.count
        let w: UInt64
        if j &+ 8 <= n {
            w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: j, as: UInt64.self))
        } else {
            // The last word, read ending at the end and shifted down: the missing bytes become 0.
            w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)) &>> UInt64(8 &* (j &- (n &- 8)))
        }
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = w ^ 0x2222_2222_2222_2222
        let t = (x & low7) &+ low7
        // Bytes shifted in are 0, and 0 ^ 0x22 is never flagged.
        return ~(t | x | low7)
    }
}
