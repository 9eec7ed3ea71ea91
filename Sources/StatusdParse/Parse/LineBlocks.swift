import CScan

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
