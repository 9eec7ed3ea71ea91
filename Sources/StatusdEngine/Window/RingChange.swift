/// A change to an input's ring that rule sums covering its second must follow: requests added to a
/// second (`delta` > 0) or dropped with an evicted bucket (`delta` < 0).
public struct RingChange: Sendable, Equatable {
    public var second: Int64
    public var code: UInt16
    public var delta: Int64

    public init(second: Int64, code: UInt16, delta: Int64) {
        self.second = second
        self.code = code
        self.delta = delta
    }
}
