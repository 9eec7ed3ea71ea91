/// Requests by code over the last `capacity` seconds of event time: a ring of per-second buckets.
///
/// Memory is bounded by the window's length, not by traffic. A line is put in the bucket of the
/// second it happened (event time), so a late line still lands in its second while that second is
/// inside the ring; older lines are refused and the caller counts them as too late.
public struct StatusWindow: Sendable, Equatable {
    public let capacity: Int
    private var ring: [SecondBucket]
    /// The newest second any bucket has held.
    public private(set) var newest: Int64 = .min

    public init(capacitySeconds: Int) {
        capacity = max(1, capacitySeconds)
        ring = Array(repeating: SecondBucket(), count: capacity)
    }

    /// Adds `count` requests with `code` at `second`. `false` when the second is older than the ring.
    @discardableResult
    public mutating func add(_ code: StatusCode, count: UInt32 = 1, at second: Int64) -> Bool {
        if newest != .min, second <= newest - Int64(capacity) { return false }
        if second > newest { newest = second }
        let slot = Int(((second % Int64(capacity)) + Int64(capacity)) % Int64(capacity))
        if ring[slot].second != second { ring[slot].reset(to: second) }
        ring[slot].add(code, count: count)
        return true
    }

    /// The non-empty buckets, in ring order.
    public func bucketsSnapshot() -> [SecondBucket] { ring.filter { $0.second != .min } }

    /// Sums the seconds in `(end - length, end]`, i.e. the last `length` seconds up to `end`.
    public func sum(lastSeconds length: Int64, endingAt end: Int64, matching set: StatusSet) -> WindowSum {
        var sum = WindowSum()
        let from = end - min(length, Int64(capacity))
        for bucket in ring where bucket.second > from && bucket.second <= end {
            for k in bucket.codes.indices {
                let code = StatusCode(unchecked: bucket.codes[k])
                let c = UInt64(bucket.counts[k])
                sum.total &+= c
                if set.contains(code) {
                    sum.matched &+= c
                    sum.addCode(code, c)
                }
            }
        }
        return sum
    }
}

/// What a window held for one rule: requests, those matching, and the matching codes.
public struct WindowSum: Sendable, Equatable {
    public var total: UInt64 = 0
    public var matched: UInt64 = 0
    /// Matching codes and their counts, most frequent first after `sortedCodes`.
    public var codes: [(code: StatusCode, count: UInt64)] = []

    public init(total: UInt64 = 0, matched: UInt64 = 0, codes: [(code: StatusCode, count: UInt64)] = []) {
        self.total = total
        self.matched = matched
        self.codes = codes
    }

    public var rate: Double { total == 0 ? 0 : Double(matched) / Double(total) }

    mutating func addCode(_ code: StatusCode, _ count: UInt64) {
        if let k = codes.firstIndex(where: { $0.code == code }) {
            codes[k].count &+= count
        } else {
            codes.append((code, count))
        }
    }

    public mutating func add(_ other: WindowSum) {
        total &+= other.total
        matched &+= other.matched
        for (code, count) in other.codes { addCode(code, count) }
    }

    /// The codes, most frequent first, ties by code.
    public var sortedCodes: [(code: StatusCode, count: UInt64)] {
        codes.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    public static func == (a: WindowSum, b: WindowSum) -> Bool {
        a.total == b.total && a.matched == b.matched
            && a.sortedCodes.map(\.code) == b.sortedCodes.map(\.code)
            && a.sortedCodes.map(\.count) == b.sortedCodes.map(\.count)
    }
}
