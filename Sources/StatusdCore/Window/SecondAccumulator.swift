/// Counts of the current second in a dense table, so that the per-line cost is one increment.
/// `touched` remembers which codes to read back when the second is flushed.
struct SecondAccumulator: Sendable {
    var second: Int64 = .min
    private var table = [UInt32](repeating: 0, count: StatusCode.tableSize)
    private var touched: [UInt16] = []

    init() { touched.reserveCapacity(16) }

    /// `false` when the line belongs to another second than the one being counted.
    @inline(__always)
    mutating func add(_ code: StatusCode, at second: Int64) -> Bool {
        if second != self.second {
            if self.second != .min { return false }
            self.second = second
        }
        let i = Int(code.rawValue)
        if table[i] == 0 { touched.append(code.rawValue) }
        table[i] &+= 1
        return true
    }

    /// The counted codes; leaves the table empty.
    mutating func drain() -> [(StatusCode, UInt32)] {
        var out: [(StatusCode, UInt32)] = []
        out.reserveCapacity(touched.count)
        for c in touched {
            out.append((StatusCode(unchecked: c), table[Int(c)]))
            table[Int(c)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return out
    }
}
