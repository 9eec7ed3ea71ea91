import StatusdParse
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

    /// Adds `count` requests at once; `false` when another second is being counted.
    mutating func add(_ code: StatusCode, count: UInt32, at second: Int64) -> Bool {
        if second != self.second {
            if self.second != .min { return false }
            self.second = second
        }
        let i = Int(code.rawValue)
        if table[i] == 0 { touched.append(code.rawValue) }
        table[i] &+= count
        return true
    }

    /// How many codes were counted: `counted(0) ..< counted(codes)` are they, in the order first seen.
    var codes: Int { touched.count }

    /// The `i`th code counted and its count.
    @inline(__always)
    func counted(_ i: Int) -> (StatusCode, UInt32) {
        let c = touched[i]
        return (StatusCode(unchecked: c), table[Int(c)])
    }

    /// Empties the table (after its codes were read), keeping its storage: no allocation a second.
    mutating func clear() {
        for c in touched { table[Int(c)] = 0 }
        touched.removeAll(keepingCapacity: true)
    }
}
