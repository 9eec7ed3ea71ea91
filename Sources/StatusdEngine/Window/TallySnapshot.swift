import StatusdParse
/// An input's counts as a checkpoint stores them: totals since start, the window's buckets and
/// the late/out-of-range counters. Sparse, so an idle input costs a few bytes.
///
/// The buckets are held flat (`rows`), one array for the whole window rather than one per second:
/// a checkpoint of 100 inputs with 10-minute rings is taken every second, and 60,000 small arrays
/// a second cost time and leave the heap fragmented. The JSON form is unchanged (`buckets`).
public struct TallySnapshot: Codable, Sendable, Equatable {
    /// Totals by code (`"200": 11000`).
    public var codes: [String: UInt64]
    public var unparsed: UInt64
    public var ignored: UInt64
    public var tooLate: UInt64
    public var outOfRange: UInt64
    /// Window buckets, flattened: each bucket is its second, its number of codes `n`, then `n`
    /// code/count pairs.
    public var rows: [Int64]

    /// Window buckets: second, then code/count pairs flattened (the checkpoint's JSON form).
    public var buckets: [[Int64]] {
        get {
            var out: [[Int64]] = []
            forEachRow { second, pairs in out.append([second] + pairs) }
            return out
        }
        set {
            rows = []
            for row in newValue where row.count >= 1 && row.count % 2 == 1 {
                rows.append(row[0])
                rows.append(Int64(row.count / 2))
                rows.append(contentsOf: row.dropFirst())
            }
        }
    }

    /// Calls `body` with each bucket's second and its code/count pairs.
    public func forEachRow(_ body: (Int64, ArraySlice<Int64>) -> Void) {
        var k = 0
        while k + 1 < rows.count {
            let n = Int(rows[k + 1])
            guard n >= 0, k + 2 + 2 * n <= rows.count else { return }
            body(rows[k], rows[(k + 2)..<(k + 2 + 2 * n)])
            k += 2 + 2 * n
        }
    }

    public init(codes: [String: UInt64], unparsed: UInt64, ignored: UInt64, tooLate: UInt64, outOfRange: UInt64, buckets: [[Int64]]) {
        self.codes = codes
        self.unparsed = unparsed
        self.ignored = ignored
        self.tooLate = tooLate
        self.outOfRange = outOfRange
        rows = []
        self.buckets = buckets
    }

    init(codes: [String: UInt64], unparsed: UInt64, ignored: UInt64, tooLate: UInt64, outOfRange: UInt64, rows: [Int64]) {
        self.codes = codes
        self.unparsed = unparsed
        self.ignored = ignored
        self.tooLate = tooLate
        self.outOfRange = outOfRange
        self.rows = rows
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(codes: try c.decode([String: UInt64].self, forKey: .codes), unparsed: try c.decode(UInt64.self, forKey: .unparsed),
                  ignored: try c.decode(UInt64.self, forKey: .ignored), tooLate: try c.decode(UInt64.self, forKey: .tooLate),
                  outOfRange: try c.decode(UInt64.self, forKey: .outOfRange), buckets: try c.decode([[Int64]].self, forKey: .buckets))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(codes, forKey: .codes)
        try c.encode(unparsed, forKey: .unparsed)
        try c.encode(ignored, forKey: .ignored)
        try c.encode(tooLate, forKey: .tooLate)
        try c.encode(outOfRange, forKey: .outOfRange)
        try c.encode(buckets, forKey: .buckets)
    }

    enum CodingKeys: String, CodingKey {
        case codes, unparsed, ignored, buckets
        case tooLate = "too_late", outOfRange = "out_of_range"
    }
}

extension InputTally {
    /// The tally as a checkpoint stores it. Call `flush()` first.
    public var snapshot: TallySnapshot {
        var codes: [String: UInt64] = [:]
        for (code, count) in totals.nonZero { codes[code.description] = count }
        var rows: [Int64] = []
        window.forEachBucket { b in
            rows.append(b.second)
            rows.append(Int64(b.codeCount))
            b.forEach { code, count in rows.append(Int64(code)); rows.append(Int64(count)) }
        }
        return TallySnapshot(codes: codes, unparsed: totals.unparsed, ignored: totals.ignored,
                             tooLate: tooLate, outOfRange: outOfRange, rows: rows)
    }

    /// A tally restored from a checkpoint, with a window of `windowSeconds`.
    public init(snapshot s: TallySnapshot, windowSeconds: Int) {
        self.init(windowSeconds: windowSeconds)
        var totals = StatusCounts()
        for (key, count) in s.codes {
            if let v = Int(key), let code = StatusCode(v) { totals.add(code, count: count) }
        }
        totals.unparsed = s.unparsed
        totals.ignored = s.ignored
        restoreTotals(totals)
        restoreCounters(tooLate: s.tooLate, outOfRange: s.outOfRange)
        s.forEachRow { second, pairs in
            var k = pairs.startIndex
            while k + 1 < pairs.endIndex {
                if let code = StatusCode(Int(pairs[k])), pairs[k + 1] >= 0, pairs[k + 1] <= Int64(UInt32.max) {
                    restoreWindow(code, count: UInt32(pairs[k + 1]), at: second)
                }
                k += 2
            }
        }
    }
}
