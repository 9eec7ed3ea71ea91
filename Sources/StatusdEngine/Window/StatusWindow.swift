import StatusdParse
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
        add(code, count: count, at: second) { _ in }
    }

    /// Adds `count` requests with `code` at `second`; `evicted` sees the bucket of an older second
    /// whose slot is taken over, before it is emptied. `false` when the second is older than the ring.
    @discardableResult
    public mutating func add(_ code: StatusCode, count: UInt32 = 1, at second: Int64, evicted: (borrowing SecondBucket) -> Void) -> Bool {
        if newest != .min, second <= newest - Int64(capacity) { return false }
        if second > newest { newest = second }
        let slot = self.slot(second)
        if ring[slot].second != second {
            if ring[slot].second != .min { evicted(ring[slot]) }
            ring[slot].reset(to: second)
        }
        ring[slot].add(code, count: count)
        return true
    }

    private func slot(_ second: Int64) -> Int {
        Int(((second % Int64(capacity)) + Int64(capacity)) % Int64(capacity))
    }

    /// The bucket of `second`, when the ring still holds it.
    public func bucket(at second: Int64) -> SecondBucket? {
        let b = ring[slot(second)]
        return b.second == second ? b : nil
    }

    /// Calls `body` with the bucket of `second` when the ring holds it, without copying it.
    @inline(__always)
    public func withBucket(at second: Int64, _ body: (borrowing SecondBucket) -> Void) {
        let k = slot(second)
        if ring[k].second == second { body(ring[k]) }
    }

    /// The non-empty buckets, in ring order.
    public func bucketsSnapshot() -> [SecondBucket] { ring.filter { $0.second != .min } }

    /// Sums the seconds in `(end - length, end]`, i.e. the last `length` seconds up to `end`.
    public func sum(lastSeconds length: Int64, endingAt end: Int64, matching set: StatusSet) -> WindowSum {
        var sum = WindowSum()
        let from = end - min(length, Int64(capacity))
        for bucket in ring where bucket.second > from && bucket.second <= end {
            bucket.forEach { raw, n in
                let code = StatusCode(unchecked: raw)
                let c = UInt64(n)
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
