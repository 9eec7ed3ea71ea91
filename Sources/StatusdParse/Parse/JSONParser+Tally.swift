#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONParser {
    /// Counts the complete lines of `span` (each ends with its `\n`, as `LineAssembler.feed(_:line:lines:)`
    /// hands them) into the open run: what `parse` gives for each line, in one pass.
    ///
    /// The common line, one object that starts the line and ends right at its newline, with the
    /// first status and time keys found early (`settle`), is read by the C walk run on the span
    /// itself: it never goes past a newline, so its end is the line's end and no separate search
    /// for the newline is made. Every other line (a prefix, a `\r`, leading NULs, a pretty-printed
    /// object, a line whose first keys are absent or do not read) goes to `parse`.
    @discardableResult
    mutating func tally<E: LineEnvelope>(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open,
                                         closed: inout SecondRuns.Closed, envelope: E) -> Int {
        guard let raw = span.baseAddress, span.count > 0 else { return 0 }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = span.count
        let walk = scanner.walk
        let fast = settle != 0 && walk.pathCount < 63
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * walk.pathCount + 1) { ranges in
            let r = ranges.baseAddress!
            var start = 0
            while start < count {
                // The line inside its envelope (a plain line is its own), or a line to leave to the caller.
                let lineStart = start
                start = envelope.content(raw, start, count)
                if start < 0 { return lineStart }
                if fast, !isGathering, base[start] == UInt8(ascii: "{") {
                    var paths: UInt64 = 0, simple: Int64 = 0, settled: Int64 = 0
                    let end = walk.scan(base + start, count: count - start, from: 0, settle: settle, ranges: r,
                                        paths: &paths, simple: &simple, settled: &settled)
                    if end >= 0, simple != 0, settled != 0, base[start + end] == 0x0A,
                       let entry = settledEntry(UnsafeRawBufferPointer(start: base + start, count: end), r) {
                        open.add(code: entry.code, second: entry.second, closed: &closed)
                        start += end + 1
                        continue
                    }
                }
                let end = start + (memchrNewline(base + start, count - start) ?? (count - start))
                if let line = LineAssembler.trimmed(UnsafeRawBufferPointer(start: base + start, count: end - start)) {
                    parse(line) { open.add($0.timed(ifNone: envelope.time(raw, ofLineAt: lineStart)), closed: &closed) }
                }
                start = end + 1
            }
            return count
        }
    }
}
