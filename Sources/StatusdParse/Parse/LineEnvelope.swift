/// What a one-pass `tally(lines:)` needs to know of what is around each line: where the text the
/// format reads starts, and what time the source gives a line whose text states none.
///
/// A plain file's lines are their own text and have no other time (`NoEnvelope`: free once
/// specialised). A CRI runtime's record (`CRIEnvelope`) holds the server's line after its own
/// time, stream and tag, read in place; Docker's lines are unescaped into a batch first
/// (`RuntimeTimes`). A line the envelope cannot hand over as it is (a part of a split line, a
/// stderr line, a foreign line) stops the pass there, and the caller reads it line by line.
protocol LineEnvelope {
    /// Where the text inside starts, for the line that starts at `start` in a span of `count`
    /// bytes (which ends with a `\n`, so the line does); -1 to stop the pass before this line.
    func content(_ base: UnsafeRawPointer, _ start: Int, _ count: Int) -> Int
    /// The source's time for the line that starts at `start`, asked only when its text states none.
    func time(_ base: UnsafeRawPointer, ofLineAt start: Int) -> Int64?
}

/// A plain file's lines: their own text, no time but their own.
struct NoEnvelope: LineEnvelope {
    @inline(__always)
    func content(_ base: UnsafeRawPointer, _ start: Int, _ count: Int) -> Int { start }
    @inline(__always)
    func time(_ base: UnsafeRawPointer, ofLineAt start: Int) -> Int64? { nil }
}

/// A parser with a one-pass `tally(lines:)` over a span of complete lines. It returns where it
/// stopped: the span's length, or the start of the first line its envelope would not hand over.
protocol OnePassParser: LineParser {
    @discardableResult
    mutating func tally<E: LineEnvelope>(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open,
                                         closed: inout SecondRuns.Closed, envelope: E) -> Int
}

extension OnePassParser {
    /// A plain file's lines.
    @inline(__always)
    mutating func tally(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open, closed: inout SecondRuns.Closed) {
        tally(lines: span, open: &open, closed: &closed, envelope: NoEnvelope())
    }
}

extension CombinedParser: OnePassParser {}
extension JSONParser: OnePassParser {}
extension TemplateParser: OnePassParser {}
