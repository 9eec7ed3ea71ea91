import StatusdParse
/// The requests of one second, by code. Sparse: a second holds a handful of distinct codes.
///
/// The first four codes live inline, in the bucket itself; a second with more distinct codes puts
/// the rest in `more`, whose storage is kept when the slot is reused. A ring of 100 inputs × 10
/// minutes holds 60,000 buckets: two heap arrays each (the earlier layout) cost about 5 MB; inline,
/// a bucket is 48 bytes and most seconds allocate nothing.
public struct SecondBucket: Sendable {
    /// Unix second this bucket holds, or `Int64.min` when empty.
    public var second: Int64
    private var inlineCodes = SIMD4<UInt16>()
    private var inlineCounts = SIMD4<UInt32>()
    private var inlineUsed: UInt8 = 0
    /// Codes beyond the fourth, packed as `code << 32 | count`.
    private var more: [UInt64] = []

    public static let inlineCapacity = 4

    public init(second: Int64 = .min) {
        self.second = second
    }

    /// The number of distinct codes.
    @inline(__always)
    public var codeCount: Int { Int(inlineUsed) + more.count }

    /// Calls `body` with each code and its count, in the order the codes first came.
    @inline(__always)
    public func forEach(_ body: (UInt16, UInt32) -> Void) {
        var k = 0
        while k < Int(inlineUsed) { body(inlineCodes[k], inlineCounts[k]); k += 1 }
        if !more.isEmpty { for p in more { body(UInt16(truncatingIfNeeded: p >> 32), UInt32(truncatingIfNeeded: p)) } }
    }

    /// All requests of the second.
    public var total: UInt64 {
        var t: UInt64 = 0
        forEach { _, n in t &+= UInt64(n) }
        return t
    }

    /// The codes, in the order they first came (tests and tools; the hot paths use `forEach`).
    public var codes: [UInt16] { var out: [UInt16] = []; forEach { c, _ in out.append(c) }; return out }
    /// The counts, in the order of `codes`.
    public var counts: [UInt32] { var out: [UInt32] = []; forEach { _, n in out.append(n) }; return out }

    @inline(__always)
    public mutating func add(_ code: StatusCode, count: UInt32) {
        let c = code.rawValue
        var k = 0
        while k < Int(inlineUsed) {
            if inlineCodes[k] == c { inlineCounts[k] &+= count; return }
            k += 1
        }
        if Int(inlineUsed) < Self.inlineCapacity {
            inlineCodes[k] = c
            inlineCounts[k] = count
            inlineUsed += 1
            return
        }
        addMore(c, count)
    }

    private mutating func addMore(_ c: UInt16, _ count: UInt32) {
        for k in more.indices where UInt16(truncatingIfNeeded: more[k] >> 32) == c {
            let n = UInt32(truncatingIfNeeded: more[k]) &+ count
            more[k] = UInt64(c) << 32 | UInt64(n)
            return
        }
        more.append(UInt64(c) << 32 | UInt64(count))
    }

    public mutating func reset(to second: Int64) {
        self.second = second
        inlineUsed = 0
        if !more.isEmpty { more.removeAll(keepingCapacity: true) }
    }
}

extension SecondBucket: Equatable {
    /// The same second with the same codes and counts, in the same order.
    public static func == (a: SecondBucket, b: SecondBucket) -> Bool {
        a.second == b.second && a.codes == b.codes && a.counts == b.counts
    }
}
