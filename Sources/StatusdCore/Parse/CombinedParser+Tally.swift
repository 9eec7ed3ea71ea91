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
    mutating func tally(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open, closed: inout SecondRuns.Closed) {
        guard let base = span.baseAddress, span.count > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * LineBlocks.batch) { masks in
            tally(base, span.count, LineBlocks(base: base, count: span.count, masks: masks.baseAddress!), &open, &closed)
        }
    }

    @inline(__always)
    private mutating func tally(_ base: UnsafeRawPointer, _ count: Int, _ cursor: LineBlocks,
                                _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
        let span = UnsafeRawBufferPointer(start: base, count: count)
        var blocks = cursor
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        var start = 0
        while start < count {
            let quote = blocks.quoteOrNewline(from: start)
            if byte(quote) == lineFeed {
                slowLine(span, start, quote, &open, &closed)
                start = quote + 1
                continue
            }
            // The time's bracket: the last '[' before the request (found now, while its block is at hand).
            let bracket = blocks.lastBracket(from: start, before: quote)
            let close = blocks.quoteOrNewline(from: quote + 1)
            if byte(close) == lineFeed || byte(close - 1) == ASCII.backslash {
                let end = byte(close) == lineFeed ? close : blocks.newline(from: close + 1)
                slowLine(span, start, end, &open, &closed)
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
                slowLine(span, start, end, &open, &closed)
            } else if !parsed {
                open.unparsed &+= 1
                open.lines &+= 1
            } else {
                var second = SecondRuns.atWatermark
                if bracket >= 0, bracket + 27 <= end, let t = stamp.commonLogTime(at: base + bracket + 1) { second = t }
                open.add(code: code, second: second, closed: &closed)
            }
            start = end + 1
        }
    }

    /// A line the common case leaves to `parse`.
    @inline(never)
    private mutating func slowLine(_ span: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
                                   _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
        guard let line = LineAssembler.trimmed(UnsafeRawBufferPointer(rebasing: span[start..<end])) else { return }
        open.add(parse(line), closed: &closed)
    }
}

/// A cursor over a span's 64-byte blocks and their newline, quote and `[` bits. Searches only go
/// forward (the `[` search looks one block back), so each block's bits are made once.
struct LineBlocks {
    /// Blocks whose masks are made in one call.
    static let batch = 16
    private let base: UnsafeRawPointer
    private let count: Int
    /// Room for `batch` blocks' masks, three words each.
    private let masks: UnsafeMutablePointer<UInt64>
    /// The current block's offset, and its place in the batch of masks.
    private var at = -64
    private var index = 0
    private var made = 0
    private var newlines: UInt64 = 0
    private var quotes: UInt64 = 0
    private var brackets: UInt64 = 0
    /// The block before's `[` bits.
    private var previousBrackets: UInt64 = 0

    init(base: UnsafeRawPointer, count: Int, masks: UnsafeMutablePointer<UInt64>) {
        self.base = base
        self.count = count
        self.masks = masks
        advance()
    }

    @inline(__always)
    private mutating func advance() {
        previousBrackets = brackets
        at &+= 64
        index &+= 1
        if index >= made { refill() }
        let m = masks + 3 &* index
        newlines = m[0]
        quotes = m[1]
        brackets = m[2]
    }

    /// The masks of the blocks from `at` (up to `batch`), into `masks`; how many. The last, short
    /// block's are made from a zero-padded copy (never a read past the span). Static, with what it
    /// needs as arguments: the cursor stays in registers.
    @inline(never)
    private mutating func refill() {
        index = 0
        made = Self.makeMasks(base, count, at, masks)
    }

    private static func makeMasks(_ base: UnsafeRawPointer, _ count: Int, _ at: Int, _ masks: UnsafeMutablePointer<UInt64>) -> Int {
        let whole = min(batch, max(0, count - at) / 64)
        if whole > 0 {
            cscan_line_masks_run(base.advanced(by: at).assumingMemoryBound(to: UInt8.self), whole, masks)
            return whole
        }
        var pad: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let n = max(0, count - at)
        withUnsafeMutableBytes(of: &pad) { buf in
            if n > 0 { buf.baseAddress!.copyMemory(from: base + at, byteCount: n) }
            cscan_line_masks_run(buf.baseAddress!.assumingMemoryBound(to: UInt8.self), 1, masks)
        }
        return 1
    }

    /// The first quote or newline at or after `p`.
    @inline(__always)
    mutating func quoteOrNewline(from start: Int) -> Int {
        var p = start
        while true {
            let s = p &- at
            if s < 64 {
                let m = (quotes | newlines) & (~0 &<< UInt64(s))
                if m != 0 { return at &+ m.trailingZeroBitCount }
            }
            advance()
            p = max(p, at)
        }
    }

    /// The first newline at or after `p`.
    @inline(__always)
    mutating func newline(from start: Int) -> Int {
        var p = start
        while true {
            let s = p &- at
            if s < 64 {
                let m = newlines & (~0 &<< UInt64(s))
                if m != 0 { return at &+ m.trailingZeroBitCount }
            }
            advance()
            p = max(p, at)
        }
    }

    /// The last `[` at or after `start` and before `p` (in the current block), else -1.
    @inline(__always)
    func lastBracket(from start: Int, before p: Int) -> Int {
        var m = brackets & ((1 &<< UInt64(p &- at)) &- 1)
        if start >= at {
            m &= ~0 &<< UInt64(start &- at)
            return m != 0 ? at &+ 63 &- m.leadingZeroBitCount : -1
        }
        if m != 0 { return at &+ 63 &- m.leadingZeroBitCount }
        return Self.earlierBracket(base, at, previousBrackets, from: start)
    }

    /// The last `[` at or after `start` before the block at `at` (`previous`: the `[` bits of the
    /// block before it).
    @inline(never)
    private static func earlierBracket(_ base: UnsafeRawPointer, _ at: Int, _ previous: UInt64, from start: Int) -> Int {
        let before = at - 64
        if start >= before {
            let m = previous & (~0 &<< UInt64(start - before))
            return m != 0 ? before + 63 - m.leadingZeroBitCount : -1
        }
        if previous != 0 { return before + 63 - previous.leadingZeroBitCount }
        var k = before - 1
        while k >= start {
            if base.load(fromByteOffset: k, as: UInt8.self) == ASCII.openBracket { return k }
            k -= 1
        }
        return -1
    }
}
