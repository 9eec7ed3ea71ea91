/// Whole stdout lines taken out of their container envelopes and laid end to end, each with its
/// newline, so the input's parser counts them in one pass (`tally(lines:)`) as it counts a plain
/// file; with, for each line, where the runtime's time is in the bytes it came from.
///
/// Reused from chunk to chunk (no allocation per line), and bounded: it is counted and emptied
/// every `maxBytes`.
struct WrappedBatch: Sendable {
    static let maxBytes = 256 * 1024
    /// The inner lines, each ending with `\n`.
    var inner: [UInt8] = []
    /// Where each line starts in `inner`.
    var starts: [Int] = []
    /// Where each line's runtime time is in the span of envelopes it came from (empty: none).
    var times: [Range<Int>] = []

    var isEmpty: Bool { starts.isEmpty }

    mutating func removeAll() {
        inner.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
    }
}

/// The batch's lines are their own text; a gathered line's time when it states none is the
/// runtime's, read from its envelope (as the line-by-line path reads it), only for such lines.
struct RuntimeTimes: LineEnvelope {
    let starts: UnsafeBufferPointer<Int>
    let times: UnsafeBufferPointer<Range<Int>>
    /// The span of envelopes the times point into.
    let envelopes: UnsafeRawPointer

    @inline(__always)
    func content(_ base: UnsafeRawPointer, _ start: Int, _ count: Int) -> Int { start }

    func time(_ base: UnsafeRawPointer, ofLineAt start: Int) -> Int64? {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= start { lo = mid } else { hi = mid - 1 }
        }
        guard lo >= 0, lo < times.count else { return nil }
        let r = times[lo]
        guard !r.isEmpty else { return nil }
        return TimeText.rfc3339(UnsafeRawBufferPointer(start: envelopes + r.lowerBound, count: r.count))
    }
}
