/// The requests of one second, by code. Sparse: a second holds a handful of distinct codes.
public struct SecondBucket: Sendable, Equatable {
    /// Unix second this bucket holds, or `Int64.min` when empty.
    public var second: Int64
    public var codes: [UInt16]
    public var counts: [UInt32]

    public init(second: Int64 = .min) {
        self.second = second
        codes = []
        counts = []
    }

    public mutating func add(_ code: StatusCode, count: UInt32) {
        if let k = codes.firstIndex(of: code.rawValue) {
            counts[k] &+= count
        } else {
            codes.append(code.rawValue)
            counts.append(count)
        }
    }

    public mutating func reset(to second: Int64) {
        self.second = second
        codes.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
    }
}
