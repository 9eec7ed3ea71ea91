import CScan

private let lineFeed: UInt8 = 0x0A

extension CombinedParser {
    /// Counts the complete lines of `span` (each ends with its `\n`, as `LineAssembler.feed(_:line:lines:)`
    /// hands them) into the open run: what `parse` gives for each line, in one pass over the bytes.
    ///
    /// The bytes are read 64 at a time into bitmasks of their newlines, quotes and `[`
    /// (`cscan_line_masks64`), and each line's request quotes, time bracket and end are reached with
    /// bit tricks. Whatever the common case does not cover exactly as `parse` does (no request, an
    /// escaped quote, a `\r` or leading NULs, a `[` far before the request) goes to `parse` itself.
    /// The span's final `\n` bounds every read: no byte after it is read, except the zero-padded
    /// copy of the last block.
    @discardableResult
    mutating func tally<E: LineEnvelope>(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open,
                                         closed: inout SecondRuns.Closed, envelope: E) -> Int {
        guard let base = span.baseAddress, span.count > 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * LineBlocks.batch) { masks in
            tally(base, span.count, LineBlocks(base: base, count: span.count, masks: masks.baseAddress!), &open, &closed, envelope)
        }
    }

    @inline(__always)
    private mutating func tally<E: LineEnvelope>(_ base: UnsafeRawPointer, _ count: Int, _ cursor: LineBlocks,
                                                 _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed, _ envelope: E) -> Int {
        let span = UnsafeRawBufferPointer(start: base, count: count)
        var blocks = cursor
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        var start = 0
        while start < count {
            // The line inside its envelope (a plain line is its own), or a line to leave to the caller.
            let lineStart = start
            start = envelope.content(base, start, count)
            if start < 0 { return lineStart }
            let quote = blocks.quoteOrNewline(from: start)
            if byte(quote) == lineFeed {
                slowLine(span, start, quote, &open, &closed, envelope, lineStart)
                start = quote + 1
                continue
            }
            // The time's bracket: the last '[' before the request (found now, while its block is at hand).
            let bracket = blocks.lastBracket(from: start, before: quote)
            let close = blocks.quoteOrNewline(from: quote + 1)
            if byte(close) == lineFeed || byte(close - 1) == ASCII.backslash {
                let end = byte(close) == lineFeed ? close : blocks.newline(from: close + 1)
                slowLine(span, start, end, &open, &closed, envelope, lineStart)
                start = end + 1
                continue
            }
            // The status: a space, more spaces, three digits, then a space, a tab or the line's end.
            // Each byte is looked at only when the bytes before it were no newline.
            var code: UInt16 = 0
            var parsed = false
            var i = close + 1
            if byte(i) == ASCII.space {
                i += 1
                while byte(i) == ASCII.space { i += 1 }
                let d0 = byte(i) &- ASCII.zero
                if d0 < 10 {
                    let d1 = byte(i + 1) &- ASCII.zero
                    if d1 < 10 {
                        let d2 = byte(i + 2) &- ASCII.zero
                        if d2 < 10 {
                            let after = byte(i + 3)
                            if after == ASCII.space || after == ASCII.tab || after == lineFeed || after == ASCII.cr {
                                code = UInt16(d0) * 100 + UInt16(d1) * 10 + UInt16(d2)
                                i += 3
                                parsed = true
                            }
                        }
                    }
                }
            }
            let end = blocks.newline(from: i)
            if byte(start) == 0 || byte(end - 1) == ASCII.cr {
                // Leading NULs or a CRLF: as the assembler trims them.
                slowLine(span, start, end, &open, &closed, envelope, lineStart)
            } else if !parsed {
                open.unparsed &+= 1
                open.lines &+= 1
            } else {
                var second = SecondRuns.atWatermark
                if bracket >= 0, bracket + 27 <= end, let t = stamp.commonLogTime(at: base + bracket + 1) {
                    second = t
                } else if let t = envelope.time(base, ofLineAt: lineStart) {
                    second = t
                }
                open.add(code: code, second: second, closed: &closed)
            }
            start = end + 1
        }
        return count
    }

    /// A line the common case leaves to `parse`.
    @inline(never)
    private mutating func slowLine<E: LineEnvelope>(_ span: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
                                                    _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed,
                                                    _ envelope: E, _ lineStart: Int) {
        guard let line = LineAssembler.trimmed(UnsafeRawBufferPointer(rebasing: span[start..<end])) else { return }
        open.add(parse(line).timed(ifNone: envelope.time(span.baseAddress!, ofLineAt: lineStart)), closed: &closed)
    }
}
