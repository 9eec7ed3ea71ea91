/// Everything one input has counted: totals since start, and the sliding window.
///
/// The hot path is `record`: one table increment for the totals, and one add to the window
/// (batched per second through `SecondAccumulator`, so a busy second costs one table increment
/// per line and one sparse flush per second).
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

    
    public mutating func record(_ result: ParseResult, arrival: Int64, timeSource: TimeSource = .event, maxSkew: Int64 = .max) {
        switch result {
        case .entry(let status, let time):
            var second = arrival
            if timeSource == .event, let time {
                if time - arrival > maxSkew || arrival - time > maxSkew {
                    outOfRange &+= 1
                } else {
                    second = time
                }
            }
            recordEntry(status, at: second)
        case .ignored:
            recordIgnored()
        case .unparsed:
            recordUnparsed()
        }
    }

    
    mutating func recordEntry(_ status: StatusCode, at second: Int64) {
        totals.add(status)
        if !pending.add(status, at: second) {
            flush()
            _ = pending.add(status, at: second)
        }
    }

    mutating func recordIgnored() { totals.ignored &+= 1 }
    mutating func recordUnparsed() { totals.unparsed &+= 1 }

    /// Moves the batched second into the window. Called before the window is read.
    public mutating func flush() {
        guard pending.second != .min else { return }
        for (code, count) in pending.drain() where !window.add(code, count: count, at: pending.second) {
            tooLate &+= UInt64(count)
        }
        pending.second = .min
    }

    /// A new window length (config reload): keeps totals, rebuilds the ring from what fits.
    public mutating func resize(windowSeconds: Int) {
        flush()
        guard windowSeconds != window.capacity else { return }
        let old = window
        window = StatusWindow(capacitySeconds: windowSeconds)
        old.forEachBucket { bucket in
            for k in bucket.codes.indices {
                window.add(StatusCode(unchecked: bucket.codes[k]), count: bucket.counts[k], at: bucket.second)
            }
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
