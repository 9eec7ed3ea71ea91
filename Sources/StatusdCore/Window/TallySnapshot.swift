/// An input's counts as a checkpoint stores them: totals since start, the window's buckets and
/// the late/out-of-range counters. Sparse, so an idle input costs a few bytes.
public struct TallySnapshot: Codable, Sendable, Equatable {
    /// Totals by code (`"200": 11000`).
    public var codes: [String: UInt64]
    public var unparsed: UInt64
    public var ignored: UInt64
    public var tooLate: UInt64
    public var outOfRange: UInt64
    /// Window buckets: second, then code/count pairs flattened.
    public var buckets: [[Int64]]

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
        var buckets: [[Int64]] = []
        window.forEachBucket { b in
            var row: [Int64] = [b.second]
            for k in b.codes.indices { row.append(Int64(b.codes[k])); row.append(Int64(b.counts[k])) }
            buckets.append(row)
        }
        return TallySnapshot(codes: codes, unparsed: totals.unparsed, ignored: totals.ignored,
                             tooLate: tooLate, outOfRange: outOfRange, buckets: buckets)
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
        for row in s.buckets where row.count >= 1 && row.count % 2 == 1 {
            var k = 1
            while k + 1 < row.count {
                if let code = StatusCode(Int(row[k])), row[k + 1] >= 0, row[k + 1] <= Int64(UInt32.max) {
                    restoreWindow(code, count: UInt32(row[k + 1]), at: row[0])
                }
                k += 2
            }
        }
    }
}
