import StatusdParse
/// One rule window's sum, kept up to date as event time moves: each evaluated second adds the
/// second that enters the window and subtracts the one that leaves, so evaluating a rule costs the
/// same for a 10 s and a 6 h window. Counts that land late in a second already inside the window,
/// and buckets the ring drops while they are still inside it, are applied as they happen.
public struct RollingSum: Sendable {
    /// Window length in seconds.
    public let length: Int64
    public let match: StatusSet
    /// The newest second included: the sum covers `(through - length, through]`.
    public private(set) var through: Int64 = .min
    public private(set) var total: UInt64 = 0
    public private(set) var matched: UInt64 = 0
    /// Matching codes and their counts (a handful).
    private var codes: [(code: UInt16, count: UInt64)] = []

    public init(length: Int64, match: StatusSet) {
        self.length = max(1, length)
        self.match = match
    }

    /// `true` when `second` is inside the window as summed now.
    @inline(__always)
    public func covers(_ second: Int64) -> Bool {
        through != .min && second <= through && second > through - length
    }

    /// Adds (or, with a negative `delta`, removes) requests of `code`.
    public mutating func apply(_ code: UInt16, _ delta: Int64) {
        total = UInt64(bitPattern: Int64(bitPattern: total) &+ delta)
        guard match.contains(StatusCode(unchecked: code)) else { return }
        matched = UInt64(bitPattern: Int64(bitPattern: matched) &+ delta)
        if let k = codes.firstIndex(where: { $0.code == code }) {
            codes[k].count = UInt64(bitPattern: Int64(bitPattern: codes[k].count) &+ delta)
            if codes[k].count == 0 { codes.remove(at: k) }
        } else if delta > 0 {
            codes.append((code, UInt64(delta)))
        }
    }

    /// Adds or removes a whole second.
    public mutating func apply(_ bucket: borrowing SecondBucket, sign: Int64) {
        bucket.forEach { code, count in apply(code, sign * Int64(count)) }
    }

    /// Moves the window's end to `second` over the given rings: one step per second, or a fresh
    /// sum from the rings after a gap longer than the window.
    public mutating func slide<Windows: Collection<StatusWindow>>(to second: Int64, over windows: Windows) {
        guard second > through else { return }
        if through == .min || second - through >= length {
            reset(through: second)
            for w in windows {
                for s in (second - min(length, Int64(w.capacity)) + 1)...second {
                    w.withBucket(at: s) { apply($0, sign: 1) }
                }
            }
            return
        }
        var s = through + 1
        while s <= second {
            for w in windows {
                w.withBucket(at: s) { apply($0, sign: 1) }
                w.withBucket(at: s - length) { apply($0, sign: -1) }
            }
            s += 1
        }
        through = second
    }

    /// Empties the sum and sets its end (a quiet stretch with nothing in any window).
    public mutating func reset(through second: Int64) {
        through = second
        total = 0
        matched = 0
        codes.removeAll(keepingCapacity: true)
    }

    /// Forgets the end, so the next slide sums afresh from the rings (after a reload).
    public mutating func invalidate() { through = .min }

    public var sum: WindowSum {
        WindowSum(total: total, matched: matched, codes: codes.map { (StatusCode(unchecked: $0.code), $0.count) })
    }
}
