/// An absolute count: more than `limit` matching requests within `window` (more than 50 `000`
/// aborts a minute), calm again at or below it.
public struct CountCondition: Sendable, Equatable {
    public var limit: UInt64
    public var window: Int64

    public init(limit: UInt64, window: Int64 = 60) {
        self.limit = limit
        self.window = window
    }

    public func evaluate(_ sum: WindowSum) -> RuleReading {
        let n = Double(sum.matched)
        return RuleReading(breaching: sum.matched > limit, calm: sum.matched <= limit, value: n, sum: sum,
                           limit: Double(limit), windowSeconds: window)
    }
}
