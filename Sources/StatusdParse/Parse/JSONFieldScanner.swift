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
    /// The key tables of the C walk.
    let walk: JSONWalkTables

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
        walk = JSONWalkTables(pathCount: paths.count, segments: segments.map { ($0.path, $0.depth, $0.start, $0.count, $0.last) },
                              keyBytes: keyBytes)
    }

    /// The value range of each wanted path (nil when absent); `false` when the text is not an object.
    func scan(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> Bool {
        scanObject(p, from: start, into: &found) != nil
    }

    /// As `scan`; on success, where the object ends (just after its `}`) and whether it was
    /// `simple`: no array and no bare value holding a quote, brace, bracket or backslash, so that a
    /// brace-and-string tracker run over it ends where it started (outside strings, same depth).
    ///
    /// With `settle` (a bit per path), once all those paths are found the rest of the object is read
    /// only for where it ends (strings and braces; its members are not checked) and `settled` is
    /// true: the other paths may then be missing though the object holds them further on.
    func scanObject(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?],
                    settle: UInt64 = 0) -> (end: Int, simple: Bool, settled: Bool)? {
        if pathCount < 63, let fast = quoteWalk(p, from: start, into: &found, settle: settle) { return fast }
        return byteWalk(p, from: start, into: &found, settle: settle)
    }

    /// `scanObject` by the C walk, or nil where it gives up (then `byteWalk` reads the text).
    func quoteWalk(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?],
                   settle: UInt64 = 0) -> (end: Int, simple: Bool, settled: Bool)? {
        guard let base = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var i = start
        while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
        guard i < p.count, p[i] == UInt8(ascii: "{") else { return nil }
        let n = pathCount
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * n + 1) { ranges in
            var simple: Int64 = 0
            var settled: Int64 = 0
            var paths: UInt64 = 0
            let end = walk.scan(base, count: p.count, from: i, settle: settle, ranges: ranges.baseAddress!,
                                paths: &paths, simple: &simple, settled: &settled)
            guard end >= 0 else { return nil }
            found.withUnsafeMutableBufferPointer { f in
                for k in 0..<n {
                    f[k] = paths & (1 << UInt64(k)) == 0 ? nil : Int(ranges[2 * k])..<Int(ranges[2 * k + 1])
                }
            }
            return (end, simple != 0, settled != 0)
        }
    }

    /// `scanObject` byte by byte: what the C walk must agree with wherever it does not give up.
    func byteWalk(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?],
                  settle: UInt64 = 0) -> (end: Int, simple: Bool, settled: Bool)? {
        found.withUnsafeMutableBufferPointer { f in
            for k in f.indices { f[k] = nil }
            return keyBytes.withUnsafeBufferPointer { kb in
                segments.withUnsafeBufferPointer { segs in
                    var walk = Walk(p: p, keys: UnsafeRawBufferPointer(kb), segments: segs, found: f, settle: Int(truncatingIfNeeded: settle))
                    var i = start
                    walk.skipSpace(&i)
                    guard i < p.count, p[i] == UInt8(ascii: "{") else { return nil }
                    let all = pathCount >= 63 ? -1 : (1 << pathCount) - 1
                    guard walk.object(&i, depth: 0, active: all) else { return nil }
                    return (i, walk.simple, walk.settled)
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
        /// Once these paths are found, the rest only has to close (`closes`); 0: never.
        let settle: Int
        /// Whether the walk ended that way.
        var settled = false

        init(p: UnsafeRawBufferPointer, keys: UnsafeRawBufferPointer, segments: UnsafeBufferPointer<Segment>,
             found: UnsafeMutableBufferPointer<Range<Int>?>, settle: Int) {
            self.p = p
            self.keys = keys
            self.segments = segments
            self.found = found
            self.settle = settle
        }

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
                    if settled { return true }
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
                if settle != 0, foundMask & settle == settle, let end = closes(from: i, depth: depth) {
                    i = end
                    settled = true
                    return true
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

        /// Where a brace-and-string tracker run from `i`, `depth` objects deep, closes the outermost
        /// one (as `cscan_json_tail_end`); nil at a backslash outside a string or a newline first.
        func closes(from i: Int, depth: Int) -> Int? {
            var d = depth, inString = false, escaped = false
            for j in i..<p.count {
                let b = p[j]
                if b == UInt8(ascii: "\n") { return nil }
                if inString {
                    if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
                } else if b == ASCII.quote {
                    inString = true
                } else if b == ASCII.backslash {
                    return nil
                } else if b == UInt8(ascii: "{") {
                    d += 1
                } else if b == UInt8(ascii: "}") {
                    if d == 0 { return j + 1 }
                    d -= 1
                }
            }
            return nil
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

/// The wanted keys as the C walk reads them (`cscan_json_scan_object`): the key bytes, the segments
/// sorted by length (those k bytes long, 63 or more for k = 63, are `segments[byLength[k] ..<
/// byLength[k + 1]]`, so a key is compared with those only) and a bit per length present. Made once
/// per parser and never changed, so copies of the scanner share them and each call passes plain
/// pointers.
final class JSONWalkTables: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt8>
    let segments: UnsafeMutablePointer<cscan_json_segment>
    let byLength: UnsafeMutablePointer<Int32>
    let lengths: UInt64
    let pathCount: Int

    init(pathCount: Int, segments list: [(path: Int, depth: Int, start: Int, count: Int, last: Bool)], keyBytes: [UInt8]) {
        self.pathCount = pathCount
        keys = .allocate(capacity: max(1, keyBytes.count))
        keys.initialize(from: keyBytes, count: keyBytes.count)
        let bucket = { (s: (path: Int, depth: Int, start: Int, count: Int, last: Bool)) in min(s.count, 63) }
        let sorted = list.sorted { bucket($0) < bucket($1) }
        byLength = .allocate(capacity: 65)
        byLength.initialize(repeating: 0, count: 65)
        for s in sorted { byLength[bucket(s) + 1] += 1 }
        for k in 1...64 { byLength[k] += byLength[k - 1] }
        lengths = list.reduce(0) { $0 | 1 << UInt64(bucket($1)) }
        segments = .allocate(capacity: max(1, sorted.count))
        for (k, s) in sorted.enumerated() {
            let bytes = keyBytes[s.start..<(s.start + s.count)]
            func word(_ part: ArraySlice<UInt8>) -> UInt64 {
                part.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            }
            (segments + k).initialize(to: cscan_json_segment(
                path: Int64(s.path), depth: Int64(s.depth), start: Int64(s.start), count: Int64(s.count),
                last: s.last ? 1 : 0, head: word(bytes.prefix(8)),
                headMask: s.count >= 8 ? ~0 : (1 << (8 * UInt64(s.count))) - 1,
                tail: s.count > 8 ? word(bytes.suffix(8)) : 0))
        }
    }

    deinit {
        keys.deallocate()
        segments.deallocate()
        byLength.deallocate()
    }

    /// `cscan_json_scan_object` over `count` bytes at `base`, from the `{` at `start`: where the
    /// object ends, or -1. `ranges` has room for two words a path.
    @inline(__always)
    func scan(_ base: UnsafePointer<UInt8>, count: Int, from start: Int, settle: UInt64, ranges: UnsafeMutablePointer<Int64>,
              paths: inout UInt64, simple: inout Int64, settled: inout Int64) -> Int {
        Int(cscan_json_scan_object(base, Int64(count), Int64(start), keys, segments, byLength, lengths, Int64(pathCount),
                                   settle, ranges, &paths, &simple, &settled))
    }
}
