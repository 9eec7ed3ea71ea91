import StatusdParse

extension Monitor {
    /// Counts the requests of one second at once: the same as calling `accept(.entry(status: code,
    /// time: time), input: i, arrival: arrival)` for each of them, in any order (they share their
    /// second), but with the clock, skew and evaluation work done once. Replay hands the monitor its
    /// lines this way (`SecondRuns`), which keeps the per-line path to one table increment.
    public mutating func accept(codes: UnsafeBufferPointer<SecondRuns.Entry>, time: Int64?, input i: Int, arrival: Int64) {
        guard !codes.isEmpty else { return }
        let (second, outOfRange) = EventSecond.resolve(time, arrival: arrival, timeSource: inputs[i].timeSource, maxSkew: inputs[i].maxSkew)
        if arrival > seenClock {
            seenClock = arrival
            if aheadHeld { releaseAhead(through: arrival) }
        }
        let reached = clockMode == .live ? min(second, arrival) : second
        if reached > clock {
            // What a line of a later second does: it closes every second before it.
            clock = reached
            evaluate(through: reached - 1)
        }
        if second > arrival, clockMode == .live {
            // Stamped after the arrival clock: held until the clock reaches their second.
            for e in codes { holdAhead(StatusCode(unchecked: e.code), count: e.count, at: second, arrival: arrival, input: i) }
            return
        }
        if second > newestData { newestData = second }
        // The first request may find another second waiting in the tally's batch: flush it.
        let first = StatusCode(unchecked: codes[0].code)
        if outOfRange { inputs[i].tally.noteOutOfRange() }
        if !inputs[i].tally.count(first, at: second) {
            flush(i)
            _ = inputs[i].tally.count(first, at: second)
        }
        // The rest land in the same batch: counted with the tally held in place.
        Self.countRest(codes, at: second, outOfRange: outOfRange, into: &inputs[i].tally)
    }

    private static func countRest(_ codes: UnsafeBufferPointer<SecondRuns.Entry>, at second: Int64, outOfRange: Bool,
                                  into tally: inout InputTally) {
        for (k, e) in codes.enumerated() {
            let status = StatusCode(unchecked: e.code)
            for _ in (k == 0 ? 1 : 0)..<Int(e.count) {
                if outOfRange { tally.noteOutOfRange() }
                let counted = tally.count(status, at: second)
                assert(counted, "one second's batch")
            }
        }
    }

    /// Counts lines that carry no request (`ignored`) and lines no parser understood.
    public mutating func acceptUncounted(ignored: UInt64, unparsed: UInt64, input i: Int) {
        for _ in 0..<ignored { inputs[i].tally.recordIgnored() }
        for _ in 0..<unparsed { inputs[i].tally.recordUnparsed() }
    }
}
