import StatusdParse
/// Everything one input has counted: totals since start, and the sliding window.
///
/// The hot path is `count`: one table increment for the totals, and one add to the window
/// (batched per second through `SecondAccumulator`, so a busy second costs one table increment
/// per line and one sparse flush per second). Which second a line counts in (its stated time,
/// or its arrival when beyond `max_skew`) is the monitor's decision (`Monitor+Bulk`).
public struct InputTally: Sendable {
    public private(set) var totals = StatusCounts()
    public private(set) var window: StatusWindow
    private var pending = SecondAccumulator()
    /// Lines whose time was older than the window could hold when they arrived.
    public private(set) var tooLate: UInt64 = 0
    /// Lines whose stated time was further from the clock than `max_skew`: counted at arrival.
    public private(set) var outOfRange: UInt64 = 0

    public init(windowSeconds: Int) {
        window = StatusWindow(capacitySeconds: windowSeconds)
    }

    public mutating func recordIgnored() { totals.ignored &+= 1 }
    public mutating func recordUnparsed() { totals.unparsed &+= 1 }

    /// Moves the batched second into the window. Called before the window is read.
    public mutating func flush() {
        var ignored: [RingChange] = []
        flush(changes: &ignored, reporting: false)
    }

    /// Moves the batched second into the window and appends to `changes` what rule sums must follow.
    public mutating func flush(changes: inout [RingChange]) {
        flush(changes: &changes, reporting: true)
    }

    private mutating func flush(changes: inout [RingChange], reporting: Bool) {
        guard pending.second != .min else { return }
        let second = pending.second
        for i in 0..<pending.codes {
            let (code, count) = pending.counted(i)
            let added = window.add(code, count: count, at: second) { old in
                guard reporting else { return }
                let second = old.second
                old.forEach { code, count in changes.append(RingChange(second: second, code: code, delta: -Int64(count))) }
            }
            if added {
                if reporting { changes.append(RingChange(second: second, code: code.rawValue, delta: Int64(count))) }
            } else {
                tooLate &+= UInt64(count)
            }
        }
        pending.clear()
        pending.second = .min
    }

    /// `true` while a second's counts wait in the batch.
    public var hasPending: Bool { pending.second != .min }

    /// Counts one request at `second`; `false` when the batch holds another second (flush first).
    @inline(__always)
    public mutating func count(_ status: StatusCode, at second: Int64) -> Bool {
        guard pending.add(status, at: second) else { return false }
        totals.add(status)
        return true
    }

    /// A request stamped ahead of the arrival clock: in the totals now, in the window later
    /// (`place`).
    mutating func countAhead(_ status: StatusCode) { totals.add(status) }

    /// Puts `count` requests already in the totals into the batch of `second` (a request held
    /// ahead whose second the clock reached); `false` when the batch holds another second.
    mutating func place(_ status: StatusCode, count: UInt32, at second: Int64) -> Bool {
        pending.add(status, count: count, at: second)
    }

    /// A line whose stated time was beyond `max_skew`: counted at arrival, and shown.
    public mutating func noteOutOfRange() { outOfRange &+= 1 }

    /// A new window length (config reload): keeps totals, rebuilds the ring from what fits.
    public mutating func resize(windowSeconds: Int) {
        flush()
        guard windowSeconds != window.capacity else { return }
        let old = window
        window = StatusWindow(capacitySeconds: windowSeconds)
        old.forEachBucket { bucket in
            bucket.forEach { code, count in window.add(StatusCode(unchecked: code), count: count, at: bucket.second) }
        }
    }

    /// Restores totals (from a checkpoint).
    public mutating func restoreTotals(_ counts: StatusCounts) { totals = counts }

    mutating func restoreCounters(tooLate: UInt64, outOfRange: UInt64) {
        self.tooLate = tooLate
        self.outOfRange = outOfRange
    }

    mutating func restoreWindow(_ code: StatusCode, count: UInt32, at second: Int64) {
        window.add(code, count: count, at: second)
    }
}

extension StatusWindow {
    /// Visits non-empty buckets from oldest to newest.
    public func forEachBucket(_ body: (SecondBucket) -> Void) {
        let sorted = bucketsSnapshot().sorted { $0.second < $1.second }
        for b in sorted { body(b) }
    }
}
