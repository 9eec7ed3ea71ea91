/// Every rule's figure over time, as `statusd replay --chart` draws it: per rule a bounded list
/// of points (the figure, its limit, the phase, SLO burn rates). Past `maxPoints`, neighbours are
/// merged (keeping the higher figure and the worse phase), so a month of seconds costs the same
/// as an hour.
public struct ChartTrace: Sendable {
    public struct Point: Sendable, Equatable {
        public var at: Int64
        public var value: Double
        public var limit: Double
        public var phase: AlertPhase
        public var burnRates: [Double]?
    }

    public static let maxPoints = 4000
    public private(set) var rules: [String: [Point]] = [:]
    /// Seconds each point stands for (doubles as points are merged).
    public private(set) var stride: [String: Int64] = [:]

    public init() {}

    mutating func record(_ r: MonitoredRule, at s: Int64) {
        let reading = r.reading
        let point = Point(at: s, value: reading.value, limit: reading.limit, phase: r.state.phase, burnRates: reading.burnRates)
        let name = r.rule.name
        var list = rules[name] ?? []
        let step = stride[name] ?? 1
        if let last = list.last, s - last.at < step {
            list[list.count - 1] = Self.merge(last, point)
        } else {
            list.append(point)
        }
        if list.count > Self.maxPoints {
            var merged: [Point] = []
            merged.reserveCapacity(list.count / 2 + 1)
            var i = 0
            while i < list.count {
                merged.append(i + 1 < list.count ? Self.merge(list[i], list[i + 1]) : list[i])
                i += 2
            }
            list = merged
            stride[name] = step * 2
        }
        rules[name] = list
    }

    static func merge(_ a: Point, _ b: Point) -> Point {
        var p = a
        p.value = max(a.value, b.value)
        p.limit = b.limit
        p.phase = a.phase.rank >= b.phase.rank ? a.phase : b.phase
        if let x = a.burnRates, let y = b.burnRates, x.count == y.count { p.burnRates = zip(x, y).map { max($0, $1) } }
        return p
    }
}
