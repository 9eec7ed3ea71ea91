#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CScan

/// Finds the values of a few wanted keys in one JSON object, on bytes, without building it.
///
/// Paths are dotted (`request.status`) for nested objects. Scalars come back as byte ranges:
/// a string's contents without quotes, or a number's text. Everything else is skipped.
///
/// Speed: the C walk `cscan_json_scan_object` (CScan, `cscan_json_walk.h`) reads the object first,
/// jumping from string to string with the real quotes found 64 bytes at a time (SSE2) and reading
/// only the bytes between strings. It gives up on anything it cannot read exactly as the byte walk
/// here does (rare in logs: a quote in a bare value, a backslash outside a string, a truncated or
/// invalid object), and the byte walk reads those: every key segment lives in one flat byte array,
/// so matching a key touches no reference counts; strings are skipped eight bytes at a time to their
/// closing quote (`WordScan`).
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
    /// The segments for the C walk, sorted by length: those k bytes long (63 or more for k = 63)
    /// are `cSegments[byLength[k]..<byLength[k + 1]]`, so a key is compared with those only.
    private let cSegments: [cscan_json_segment]
    private let byLength: [Int32]
    private let lengths: UInt64

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
        let bucket = { (s: Segment) in min(s.count, 63) }
        let sorted = segments.sorted { bucket($0) < bucket($1) }
        var starts = [Int32](repeating: 0, count: 65)
        for s in sorted { starts[bucket(s) + 1] += 1 }
        for k in 1...64 { starts[k] += starts[k - 1] }
        byLength = starts
        lengths = segments.reduce(0) { $0 | 1 << UInt64(bucket($1)) }
        cSegments = sorted.map { s in
            let bytes = keyBytes[s.start..<(s.start + s.count)]
            func word(_ part: ArraySlice<UInt8>) -> UInt64 {
                part.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            }
            return cscan_json_segment(path: Int64(s.path), depth: Int64(s.depth), start: Int64(s.start), count: Int64(s.count),
                                      last: s.last ? 1 : 0, head: word(bytes.prefix(8)),
                                      headMask: s.count >= 8 ? ~0 : (1 << (8 * UInt64(s.count))) - 1,
                                      tail: s.count > 8 ? word(bytes.suffix(8)) : 0)
        }
    }

    /// The value range of each wanted path (nil when absent); `false` when the text is not an object.
    func scan(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> Bool {
        scanObject(p, from: start, into: &found) != nil
    }

    /// As `scan`; on success, where the object ends (just after its `}`) and whether it was
    /// `simple`: no array and no bare value holding a quote, brace, bracket or backslash, so that a
    /// brace-and-string tracker run over it ends where it started (outside strings, same depth).
    func scanObject(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> (end: Int, simple: Bool)? {
        if pathCount < 63, let fast = quoteWalk(p, from: start, into: &found) { return fast }
        return byteWalk(p, from: start, into: &found)
    }

    /// `scanObject` by the C walk, or nil where it gives up (then `byteWalk` reads the text).
    func quoteWalk(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> (end: Int, simple: Bool)? {
        guard let base = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var i = start
        while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
        guard i < p.count, p[i] == UInt8(ascii: "{") else { return nil }
        let n = pathCount
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * n + 1) { ranges in
            var simple: Int64 = 0
            var paths: UInt64 = 0
            let end = keyBytes.withUnsafeBufferPointer { kb in
                cSegments.withUnsafeBufferPointer { segs in
                    byLength.withUnsafeBufferPointer { byLength in
                        cscan_json_scan_object(base, Int64(p.count), Int64(i), kb.baseAddress, segs.baseAddress, byLength.baseAddress,
                                               lengths, Int64(n), ranges.baseAddress!, &paths, &simple)
                    }
                }
            }
            guard end >= 0 else { return nil }
            found.withUnsafeMutableBufferPointer { f in
                for k in 0..<n {
                    f[k] = paths & (1 << UInt64(k)) == 0 ? nil : Int(ranges[2 * k])..<Int(ranges[2 * k + 1])
                }
            }
            return (Int(end), simple != 0)
        }
    }

    /// `scanObject` byte by byte: what the C walk must agree with wherever it does not give up.
    func byteWalk(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> (end: Int, simple: Bool)? {
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
