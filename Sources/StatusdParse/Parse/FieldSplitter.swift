#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a line into fields by a separator, keeping `"quoted fields"` whole (their quotes
/// stripped), into a reused array of ranges: no allocation per line once warm.
struct FieldSplitter: Sendable {
    var ranges: [Range<Int>] = []

    init() { ranges.reserveCapacity(48) }

    /// `tab`: split on single tabs (W3C from CloudFront); otherwise on runs of spaces. `limit`: stop
    /// after that many fields (the first `limit` fields are the same as with a whole split).
    mutating func split(_ p: UnsafeRawBufferPointer, tab: Bool, from start: Int = 0, limit: Int = .max) {
        ranges.removeAll(keepingCapacity: true)
        let n = p.count
        var i = start
        while i < n, ranges.count < limit {
            if !tab { while i < n, p[i] == ASCII.space { i += 1 } }
            guard i < n else { break }
            if p[i] == ASCII.quote {
                var j = i + 1
                while j < n, p[j] != ASCII.quote {
                    if p[j] == ASCII.backslash { j += 1 }
                    j += 1
                }
                ranges.append((i + 1)..<min(j, n))
                i = min(j + 1, n)
                // Up to the separator.
                while i < n, p[i] != (tab ? ASCII.tab : ASCII.space) { i += 1 }
                if tab, i < n { i += 1 }
                continue
            }
            let sep = tab ? ASCII.tab : ASCII.space
            var j = n
            if let base = p.baseAddress, let hit = memchr(base + i, Int32(sep), n - i) { j = UnsafeRawPointer(hit) - base }
            ranges.append(i..<j)
            i = tab ? j + 1 : j
        }
    }

    func field(_ p: UnsafeRawBufferPointer, _ k: Int) -> UnsafeRawBufferPointer? {
        guard k >= 0, k < ranges.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: p[ranges[k]])
    }
}
