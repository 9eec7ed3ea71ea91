/// Lines per second over the last ten seconds, for status and systemd's STATUS=.
struct LineRate {
    private var samples: [(at: Int64, lines: UInt64)] = []

    mutating func sample(lines: UInt64, at now: Int64) {
        samples.append((now, lines))
        while let first = samples.first, now - first.at > 10 { samples.removeFirst() }
    }

    var perSecond: Double {
        guard let first = samples.first, let last = samples.last, last.at > first.at else { return 0 }
        return Double(last.lines &- first.lines) / Double(last.at - first.at)
    }
}
