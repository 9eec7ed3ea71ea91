/// Requests and matching requests of one rule series over long windows (up to an SLO's period),
/// at bounded memory: coarser buckets for older data. The input rings hold the last seconds per
/// second (windows up to `exactLimit`, 10 minutes); here each tier is a ring of buckets of one
/// width: per 10 s up to 1 h, per minute up to 3 d, per hour beyond. A window is read from the
/// finest tier that spans it, so its start is exact to that tier's width (a 6 h window to the
/// minute). Two `UInt32`s a bucket: a 30-day SLO costs about 43 KB per series.
///
/// Seconds are added once, when they are evaluated (`ingest`), so a window read at second `t`
/// never holds data after `t`, as in live tailing; counts that land late in a second already
/// ingested are added as they come (`addLate`).
public struct TieredCounts: Sendable, Equatable {
    /// Windows up to this length are summed exactly from the per-second input rings.
    public static let exactLimit: Int64 = 600

    struct Tier: Sendable, Equatable {
        let width: Int64
        let slots: Int
        var totals: [UInt32]
        var matched: [UInt32]
        /// The newest bucket index held (second / width), `.min` before the first.
        var head: Int64 = .min

        init(width: Int64, span: Int64) {
            self.width = width
            // One more slot than the span needs, so a window's leaving bucket is still readable.
            slots = Int((span + width - 1) / width) + 1
            totals = Array(repeating: 0, count: slots)
            matched = Array(repeating: 0, count: slots)
        }

        func slot(_ index: Int64) -> Int { Int(((index % Int64(slots)) + Int64(slots)) % Int64(slots)) }

        func bucket(_ index: Int64) -> (UInt64, UInt64) {
            guard head != .min, index <= head, index > head - Int64(slots) else { return (0, 0) }
            let k = slot(index)
            return (UInt64(totals[k]), UInt64(matched[k]))
        }

        mutating func add(_ second: Int64, total: UInt64, matched m: UInt64) {
            let index = Self.floorDiv(second, width)
            if head == .min || index > head {
                if head == .min || index - head >= Int64(slots) {
                    for k in 0..<slots { totals[k] = 0; matched[k] = 0 }
                } else {
                    var i = head + 1
                    while i <= index { let k = slot(i); totals[k] = 0; matched[k] = 0; i += 1 }
                }
                head = index
            } else if index <= head - Int64(slots) {
                return
            }
            let k = slot(index)
            totals[k] = UInt32(clamping: UInt64(totals[k]) + total)
            matched[k] = UInt32(clamping: UInt64(matched[k]) + m)
        }

        static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    }

    /// One window read from a tier, with its cached sum of complete buckets.
    struct Query: Sendable, Equatable {
        let length: Int64
        let tier: Int
        /// Buckets the window spans (the newest, partial one included).
        let buckets: Int64
        /// The newest bucket index `closed` was computed for; `.min`: none.
        var at: Int64 = .min
        /// Sum of buckets (at - buckets, at).
        var closedTotal: UInt64 = 0
        var closedMatched: UInt64 = 0
    }

    var tiers: [Tier] = []
    var queries: [Query] = []
    /// The newest second added by `ingest`.
    public private(set) var ingestedThrough: Int64 = .min
    /// The oldest second with a counted request: where the series' history starts (a long
    /// window holding less than its span is not read as if full). After a restore, the oldest
    /// bucket kept, to its width.
    public internal(set) var firstData: Int64 = .min

    /// The tier widths and spans for windows up to `longest` seconds.
    static func layout(longest: Int64) -> [(width: Int64, span: Int64)] {
        var out: [(Int64, Int64)] = [(10, min(longest, 3600))]
        if longest > 3600 { out.append((60, min(longest, 3 * 86400))) }
        if longest > 3 * 86400 { out.append((3600, longest)) }
        return out
    }

    /// For the long windows among `lengths` (those above `exactLimit`).
    public init(windows lengths: [Int64]) {
        let long = lengths.filter { $0 > Self.exactLimit }
        guard let longest = long.max() else { return }
        tiers = Self.layout(longest: longest).map { Tier(width: $0.width, span: $0.span) }
        for length in long {
            let t = tiers.firstIndex { Int64($0.slots - 1) * $0.width >= length } ?? tiers.count - 1
            let w = tiers[t].width
            queries.append(Query(length: length, tier: t, buckets: max(1, (length + w - 1) / w)))
        }
    }

    /// Hourly buckets only, for a seasonal baseline (`same_hour_last_week`): `span` seconds of
    /// them, read by `hour(containing:)`. A week costs 170 buckets (1.4 KB), checkpointed.
    public init(hourlySpan span: Int64) {
        tiers = [Tier(width: 3600, span: span)]
    }

    /// The level of the window of `length` seconds ending at second `end` (hourly layout): each
    /// hour bucket it overlaps counts pro rata. Nil when the series' history does not cover those
    /// whole hours, or they are no longer held.
    public func level(length: Int64, endingAt end: Int64) -> SeasonalLevel? {
        guard let tier = tiers.first, tier.head != .min, firstData != .min else { return nil }
        let w = tier.width
        let start = end - length + 1
        var i = Tier.floorDiv(start, w)
        let last = Tier.floorDiv(end, w)
        guard firstData <= i * w, last <= tier.head, i > tier.head - Int64(tier.slots) else { return nil }
        var total = 0.0, matched = 0.0
        while i <= last {
            let overlap = min(end, (i + 1) * w - 1) - max(start, i * w) + 1
            let (t, m) = tier.bucket(i)
            total += Double(t) * Double(overlap) / Double(w)
            matched += Double(m) * Double(overlap) / Double(w)
            i += 1
        }
        return SeasonalLevel(total: total, matched: matched)
    }

    public var isEmpty: Bool { tiers.isEmpty }

    /// Adds second `second`'s counts (each second once, as it is evaluated).
    public mutating func ingest(_ second: Int64, total: UInt64, matched: UInt64) {
        if second > ingestedThrough { ingestedThrough = second }
        guard total > 0 else { return }
        add(second, total: total, matched: matched)
    }

    /// Moves the ingested point with the wall clock (`shift(by:)` in `Monitor+Time.swift`).
    mutating func shiftIngested(by d: Int64) { ingestedThrough += d }

    /// Marks `second` as ingested with nothing in it (a quiet stretch crossed in one step).
    public mutating func skip(through second: Int64) {
        if second > ingestedThrough { ingestedThrough = second }
    }

    /// Counts that landed late in a second already ingested.
    public mutating func addLate(_ second: Int64, total: UInt64, matched: UInt64) {
        guard second <= ingestedThrough else { return }
        add(second, total: total, matched: matched)
    }

    private mutating func add(_ second: Int64, total: UInt64, matched: UInt64) {
        if total > 0, firstData == .min || second < firstData { firstData = second }
        for t in tiers.indices {
            tiers[t].add(second, total: total, matched: matched)
            let index = Tier.floorDiv(second, tiers[t].width)
            // Keep cached sums of complete buckets exact.
            for q in queries.indices where queries[q].tier == t && queries[q].at != .min
                && index < queries[q].at && index > queries[q].at - queries[q].buckets {
                queries[q].closedTotal &+= total
                queries[q].closedMatched &+= matched
            }
        }
    }

    /// The sum of window `length` (one given at init) ending at second `end`.
    public mutating func sum(length: Int64, endingAt end: Int64) -> WindowSum {
        guard let q = queries.firstIndex(where: { $0.length == length }) else { return WindowSum() }
        let tier = tiers[queries[q].tier]
        let cur = Tier.floorDiv(end, tier.width)
        let n = queries[q].buckets
        if queries[q].at == cur - 1 {
            let (t1, m1) = tier.bucket(cur - 1)
            let (t0, m0) = tier.bucket(cur - n)
            queries[q].closedTotal = queries[q].closedTotal &+ t1 &- t0
            queries[q].closedMatched = queries[q].closedMatched &+ m1 &- m0
            queries[q].at = cur
        } else if queries[q].at != cur {
            var t: UInt64 = 0, m: UInt64 = 0
            var i = cur - n + 1
            while i < cur { let b = tier.bucket(i); t &+= b.0; m &+= b.1; i += 1 }
            queries[q].closedTotal = t
            queries[q].closedMatched = m
            queries[q].at = cur
        }
        let (tc, mc) = tier.bucket(cur)
        return WindowSum(total: queries[q].closedTotal &+ tc, matched: queries[q].closedMatched &+ mc)
    }

    /// Bytes of bucket storage (for the memory benchmark and status).
    public var bucketBytes: Int { tiers.reduce(0) { $0 + $1.slots * 8 } }
}

/// A series' long-window buckets as a checkpoint stores them: per tier its newest bucket index
/// and its non-empty buckets as `[index, total, matched]`.
///
/// The buckets are held flat (`rows`: one array of triples per tier), not one small array per
/// bucket: a 30-day SLO series has up to 7,200 buckets, a checkpoint of 100 such series is taken
/// every second, and 720,000 small arrays a second would cost far more than the buckets themselves.
/// The JSON form is unchanged (`tiers`).
public struct TieredCountsSnapshot: Codable, Sendable, Equatable {
    public var ingestedThrough: Int64?
    /// Per tier, `index, total, matched` of each non-empty bucket, flattened.
    public var rows: [[Int64]]
    public var heads: [Int64?]

    /// Per tier its buckets as `[index, total, matched]` (the checkpoint's JSON form).
    public var tiers: [[[Int64]]] {
        get {
            rows.map { flat in stride(from: 0, to: flat.count - flat.count % 3, by: 3).map { Array(flat[$0..<($0 + 3)]) } }
        }
        set {
            rows = newValue.map { tier in tier.filter { $0.count == 3 }.flatMap { $0 } }
        }
    }

    public init(ingestedThrough: Int64?, tiers: [[[Int64]]], heads: [Int64?]) {
        self.ingestedThrough = ingestedThrough
        self.heads = heads
        rows = []
        self.tiers = tiers
    }

    init(ingestedThrough: Int64?, rows: [[Int64]], heads: [Int64?]) {
        self.ingestedThrough = ingestedThrough
        self.rows = rows
        self.heads = heads
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(ingestedThrough: try c.decodeIfPresent(Int64.self, forKey: .ingestedThrough),
                  tiers: try c.decode([[[Int64]]].self, forKey: .tiers), heads: try c.decode([Int64?].self, forKey: .heads))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(ingestedThrough, forKey: .ingestedThrough)
        try c.encode(tiers, forKey: .tiers)
        try c.encode(heads, forKey: .heads)
    }

    enum CodingKeys: String, CodingKey {
        case tiers, heads
        case ingestedThrough = "ingested_through"
    }
}

extension TieredCounts {
    public var snapshot: TieredCountsSnapshot {
        var rows: [[Int64]] = []
        for t in tiers {
            var r: [Int64] = []
            if t.head != .min {
                var i = t.head - Int64(t.slots) + 1
                while i <= t.head {
                    let (a, b) = t.bucket(i)
                    if a > 0 || b > 0 { r.append(i); r.append(Int64(a)); r.append(Int64(b)) }
                    i += 1
                }
            }
            rows.append(r)
        }
        return TieredCountsSnapshot(ingestedThrough: ingestedThrough.nonNegative, rows: rows, heads: tiers.map { $0.head.nonNegative })
    }

    /// Takes back saved buckets when the layout matches (same tiers); otherwise leaves it empty.
    public mutating func restore(_ s: TieredCountsSnapshot) {
        guard s.rows.count == tiers.count, s.heads.count == tiers.count else { return }
        for t in tiers.indices {
            guard let head = s.heads[t] else { continue }
            tiers[t].head = head
            let flat = s.rows[t]
            var j = 0
            while j + 2 < flat.count {
                let index = flat[j]
                if index <= head && index > head - Int64(tiers[t].slots) {
                    let k = tiers[t].slot(index)
                    tiers[t].totals[k] = UInt32(clamping: flat[j + 1])
                    tiers[t].matched[k] = UInt32(clamping: flat[j + 2])
                }
                j += 3
            }
        }
        ingestedThrough = s.ingestedThrough ?? .min
        // History starts at the oldest bucket kept (the coarsest tier reaches furthest back).
        firstData = .min
        for t in tiers.indices where tiers[t].head != .min {
            var i = tiers[t].head - Int64(tiers[t].slots) + 1
            while i <= tiers[t].head {
                if tiers[t].bucket(i).0 > 0 {
                    let start = i * tiers[t].width
                    if firstData == .min || start < firstData { firstData = start }
                    break
                }
                i += 1
            }
        }
        for q in queries.indices { queries[q].at = .min }
    }
}
