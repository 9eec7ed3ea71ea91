import CScan

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TemplateParser {
    /// Counts the complete lines of `span` (each ends with its `\n`, as `LineAssembler.feed(_:line:lines:)`
    /// hands them) into the open run: what `parse` gives for each line, in one pass over the bytes.
    ///
    /// The bytes are read 64 at a time into bitmasks (`cscan_class_masks_run`): the newlines, and
    /// for each stop byte of the template that byte, a newline or a backslash. A line's end is the
    /// next newline bit; each field's end (or an escape in it) is the lowest bit of its stop byte's
    /// mask from where the field starts (`BlockStopFinder`), and the steps (`TemplateSteps.read`)
    /// go straight from field to field; status and time go straight into the run. A line that does
    /// not fit from its start, or that `parse` would trim (a `\r` or a space at its end, leading NULs),
    /// goes to `parse`'s own code. The span's final `\n` bounds every read: no byte after it is read,
    /// except in the zero-padded copy of the last block.
    @discardableResult
    mutating func tally<E: LineEnvelope>(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open,
                                         closed: inout SecondRuns.Closed, envelope: E) -> Int {
        guard let base = span.baseAddress, span.count > 0 else { return 0 }
        let steps = self.steps, template = self.template, prefix = self.prefix
        var stamp = self.stamp
        let stride = BlockWindow.stride
        let stopped = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (steps.stops.count + 1) * stride) { masks in
            // (Words past the window's last block are read, never used: zero, not uninitialised.)
            masks.initialize(repeating: 0)
            return steps.steps.withUnsafeBufferPointer { sp in
                steps.bytes.withUnsafeBufferPointer { bp in
                    steps.stops.withUnsafeBufferPointer { stops in
                        steps.fast.withUnsafeBufferPointer { fs -> Int in
                            var window = BlockWindow(base: base, count: span.count, masks: masks.baseAddress!, stops: stops)
                            return Self.tally(base, span.count, &window, fs, sp, bp, template, prefix, &stamp, &open, &closed, envelope)
                        }
                    }
                }
            }
        }
        self.stamp = stamp
        return stopped
    }

    @inline(__always)
    private static func tally<E: LineEnvelope>(_ base: UnsafeRawPointer, _ count: Int, _ window: inout BlockWindow,
                              _ fs: UnsafeBufferPointer<TemplateSteps.FastStep>, _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ bp: UnsafeBufferPointer<UInt8>,
                              _ template: FormatTemplate, _ prefix: LinePrefix, _ stamp: inout StampCache,
                              _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed, _ envelope: E) -> Int {
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        var start = 0
        while start < count {
            // The line inside its envelope (a plain line is its own), or a line to leave to the caller.
            let lineStart = start
            start = envelope.content(base, start, count)
            if start < 0 { return lineStart }
            let end = window.newline(from: start)
            if end < 0 {
                // A line longer than the window: to its newline with memchr, then `parse`.
                let e = start + (memchrNewline(base + start, count - start) ?? (count - start))
                slowLine(base, start, e, sp, bp, template, prefix, &stamp, &open, &closed, envelope, lineStart)
                start = e + 1
                continue
            }
            if end == start || byte(start) == 0 || byte(end - 1) == ASCII.cr || byte(end - 1) == ASCII.space {
                slowLine(base, start, end, sp, bp, template, prefix, &stamp, &open, &closed, envelope, lineStart)
                start = end + 1
                continue
            }
            if !fs.isEmpty, end &+ 8 <= count {
                // The common case (8-byte words may be read from anywhere in the line).
                let w = base + window.at
                let masks = UnsafePointer(window.masks)
                var a = FastLine(from: start &- window.at, to: end &- window.at)
                // The next line too when it is in the window and ordinary: the two are read step by
                // step together, so the processor works on both at once (each step of a line waits
                // for the step before it: one line alone leaves it idle most of the time).
                let nextLine = end &+ 1
                let next = nextLine < count ? envelope.content(base, nextLine, count) : -1
                let end2 = next >= 0 ? window.newlineInWindow(from: next) : -1
                if end2 > next, end2 &+ 8 <= count, byte(next) != 0, byte(end2 &- 1) != ASCII.cr, byte(end2 &- 1) != ASCII.space {
                    var b = FastLine(from: next &- window.at, to: end2 &- window.at)
                    var both = true
                    for f in fs {
                        guard a.step(f, w, masks, sp, template, &stamp), b.step(f, w, masks, sp, template, &stamp) else { both = false; break }
                    }
                    if both, a.fits, b.fits {
                        open.add(code: UInt16(truncatingIfNeeded: a.status),
                                 second: a.time ?? envelope.time(base, ofLineAt: lineStart) ?? SecondRuns.atWatermark, closed: &closed)
                        open.add(code: UInt16(truncatingIfNeeded: b.status),
                                 second: b.time ?? envelope.time(base, ofLineAt: nextLine) ?? SecondRuns.atWatermark, closed: &closed)
                        start = end2 &+ 1
                        continue
                    }
                    // One of them is not the common case: each on its own.
                    a = FastLine(from: start &- window.at, to: end &- window.at)
                }
                var one = true
                for f in fs {
                    guard a.step(f, w, masks, sp, template, &stamp) else { one = false; break }
                }
                if one, a.fits {
                    open.add(code: UInt16(truncatingIfNeeded: a.status),
                             second: a.time ?? envelope.time(base, ofLineAt: lineStart) ?? SecondRuns.atWatermark, closed: &closed)
                    start = end &+ 1
                    continue
                }
            }
            let line = UnsafeRawBufferPointer(start: base + start, count: end - start)
            var time: Int64?
            let s = TemplateSteps.read(sp, bp, template, line, from: 0, limit: count - start,
                                       finder: window.finder(lineStart: start), stamp: &stamp, time: &time)
            if s >= 0 {
                open.add(code: UInt16(truncatingIfNeeded: s), second: time ?? envelope.time(base, ofLineAt: lineStart) ?? SecondRuns.atWatermark,
                         closed: &closed)
            } else {
                open.add(TemplateParser.afterPrefix(line, sp, bp, template, prefix, &stamp).timed(ifNone: envelope.time(base, ofLineAt: lineStart)),
                         closed: &closed)
            }
            start = end + 1
        }
        return count
    }

    /// A line the common case leaves to `parse`'s code.
    @inline(never)
    private static func slowLine<E: LineEnvelope>(_ base: UnsafeRawPointer, _ start: Int, _ end: Int,
                                 _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ bp: UnsafeBufferPointer<UInt8>,
                                 _ template: FormatTemplate, _ prefix: LinePrefix, _ stamp: inout StampCache,
                                 _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed,
                                                  _ envelope: E, _ lineStart: Int) {
        guard let line = LineAssembler.trimmed(UnsafeRawBufferPointer(start: base + start, count: end - start)) else { return }
        var n = line.count
        while n > 0, line[n - 1] == ASCII.cr || line[n - 1] == ASCII.space { n -= 1 }
        guard n > 0 else {
            open.add(.ignored, closed: &closed)
            return
        }
        let p = UnsafeRawBufferPointer(rebasing: line[0..<n])
        var time: Int64?
        let s = TemplateSteps.read(sp, bp, template, p, from: 0, limit: n, finder: WordStopFinder(line: p), stamp: &stamp, time: &time)
        if s >= 0 {
            open.add(.entry(status: StatusCode(unchecked: UInt16(s)), time: time ?? envelope.time(base, ofLineAt: lineStart)), closed: &closed)
        } else {
            open.add(TemplateParser.afterPrefix(p, sp, bp, template, prefix, &stamp).timed(ifNone: envelope.time(base, ofLineAt: lineStart)),
                     closed: &closed)
        }
    }
}

/// A window of up to `blocks` 64-byte blocks of a span and their masks (`cscan_class_masks_run`,
/// class-major: class `c`'s word for block `b` at `masks[c * stride + b]`). It starts at the block
/// of the line being read and moves forward when a line's newline is not in it, so every line read
/// through it lies wholly inside it and a search for any class stops at the line's newline.
struct BlockWindow {
    static let blocks = 128
    /// Words a class has: one more than `blocks`, so the word after any block can be read.
    static let stride = blocks + 1
    private let base: UnsafeRawPointer
    private let count: Int
    let masks: UnsafeMutablePointer<UInt64>
    private let stops: UnsafeBufferPointer<UInt8>
    /// The window's first byte (a multiple of 64), and how many blocks have masks.
    private(set) var at = 0
    private var made = 0

    init(base: UnsafeRawPointer, count: Int, masks: UnsafeMutablePointer<UInt64>, stops: UnsafeBufferPointer<UInt8>) {
        self.base = base
        self.count = count
        self.masks = masks
        self.stops = stops
    }

    /// The first newline from `start`, with the window moved so that `start` through it lie in
    /// it; -1 when the line is longer than the window.
    @inline(__always)
    mutating func newline(from start: Int) -> Int {
        var off = start &- at
        var b = off &>> 6
        if b >= made {
            fill(from: start)
            off = start &- at
            b = off &>> 6
        }
        var m = masks[b] & (~0 &<< UInt64(off & 63))
        while m == 0 {
            b &+= 1
            if b >= made { return farNewline(from: start) }
            m = masks[b]
        }
        return at &+ (b &<< 6) &+ m.trailingZeroBitCount
    }

    /// The first newline from `start` when it is in the window as it is (no move), else -1.
    @inline(__always)
    func newlineInWindow(from start: Int) -> Int {
        let off = start &- at
        var b = off &>> 6
        guard b < made else { return -1 }
        var m = masks[b] & (~0 &<< UInt64(off & 63))
        while m == 0 {
            b &+= 1
            if b >= made { return -1 }
            m = masks[b]
        }
        return at &+ (b &<< 6) &+ m.trailingZeroBitCount
    }

    /// `newline` when the line goes on past the window's last block: the window moves to the
    /// line's first block (once per window, for the line that straddles its end).
    @inline(never)
    private mutating func farNewline(from start: Int) -> Int {
        if at == start & ~63 { return -1 }
        fill(from: start)
        let off = start &- at
        var b = off &>> 6
        var m = masks[b] & (~0 &<< UInt64(off & 63))
        while m == 0 {
            b &+= 1
            if b >= made { return -1 }
            m = masks[b]
        }
        return at &+ (b &<< 6) &+ m.trailingZeroBitCount
    }

    /// Masks for the blocks from the one holding `start`; the last, short block's are made from a
    /// zero-padded copy (never a read past the span).
    @inline(never)
    private mutating func fill(from start: Int) {
        at = start & ~63
        let left = count - at
        let whole = min(Self.blocks, left / 64)
        let stopBytes = stops.baseAddress ?? UnsafePointer(bitPattern: 1)!
        if whole > 0 {
            cscan_class_masks_run(base.advanced(by: at).assumingMemoryBound(to: UInt8.self), whole, stopBytes, stops.count, masks, Self.stride)
        }
        made = whole
        if whole < Self.blocks, left - whole * 64 > 0 {
            var pad: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
            let n = left - whole * 64
            withUnsafeMutableBytes(of: &pad) { buf in
                buf.baseAddress!.copyMemory(from: base + at + whole * 64, byteCount: n)
                cscan_class_masks_run(buf.baseAddress!.assumingMemoryBound(to: UInt8.self), 1, stopBytes, stops.count, masks + whole, Self.stride)
            }
            made += 1
        }
    }

    /// A finder for the line starting at `lineStart` (which, through its newline, lies in the window).
    @inline(__always)
    func finder(lineStart: Int) -> BlockStopFinder {
        BlockStopFinder(masks: UnsafePointer(masks), offset: lineStart &- at)
    }
}

/// Finds a field's stop byte as the lowest bit of its class's mask (`BlockWindow`).
struct BlockStopFinder: TemplateStopFinder {
    let masks: UnsafePointer<UInt64>
    /// The line's start from the window's start.
    let offset: Int

    /// The stop is mostly in the block of `j` or the next one: both words are read and the right
    /// one picked without a branch (a branch on which block it is in mispredicts for about every
    /// block boundary a line crosses).
    @inline(__always)
    func find(_ s: TemplateSteps.Step, from j: Int) -> Int {
        Self.first(masks + Int(s.cls) &* BlockWindow.stride, from: offset &+ j) &- offset
    }

    /// The first bit from `off` of a class's words. The stop is mostly in the block of `off` or the
    /// next one: both words are read and the right one picked without a branch (a branch on which
    /// block it is in mispredicts for about every block boundary a line crosses).
    @inline(__always)
    static func first(_ words: UnsafePointer<UInt64>, from off: Int) -> Int {
        let b = off &>> 6
        let t0 = (words[b] & (~0 &<< UInt64(off & 63))).trailingZeroBitCount
        let t1 = words[b &+ 1].trailingZeroBitCount
        let k = t0 != 64 ? t0 : 64 &+ t1
        if k == 128 { return far(words, b &+ 2) }
        return (b &<< 6) &+ k
    }

    /// The first bit from block `b` on (the line's newline is in every class's words).
    @inline(never)
    static func far(_ words: UnsafePointer<UInt64>, _ from: Int) -> Int {
        var b = from
        while words[b] == 0 { b &+= 1 }
        return (b &<< 6) &+ words[b].trailingZeroBitCount
    }
}

/// A line read by the common case (`TemplateSteps.FastStep`s) in `TemplateParser.tally`: from `ls`
/// to its newline at `n` (offsets from the window's start).
///
/// `step` returns false when it cannot tell (an escape, a list, a status that is not three digits,
/// anything that does not match): the line then goes to `TemplateSteps.read`, which reads it exactly
/// as `parse` does. So the common case must never take a line `TemplateSteps.read` would not, nor
/// read one otherwise:
/// - a field ends at the first bit of its class (its stop byte, a backslash or the newline); the
///   word there must equal its stop byte and what follows (no literal holds a newline, so a match
///   never reaches past the line): the bit was the stop, with no backslash before it, which is
///   where `TemplateSteps.read` ends the field too; a list field whose stop is a list's inner space
///   is left to it;
/// - 8-byte words are read from anywhere in the line: the caller sees to it that 8 bytes from its
///   newline are in the span.
struct FastLine {
    private(set) var i: Int
    let ls: Int
    let n: Int
    private(set) var status = -1
    private(set) var time: Int64?

    init(from ls: Int, to n: Int) {
        i = ls
        self.ls = ls
        self.n = n
    }

    /// The whole line fit, with a status.
    var fits: Bool { i == n && status >= 0 }

    @inline(__always)
    mutating func step(_ f: TemplateSteps.FastStep, _ w: UnsafeRawPointer, _ masks: UnsafePointer<UInt64>,
                       _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ template: FormatTemplate, _ stamp: inout StampCache) -> Bool {
        @inline(__always) func byte(_ k: Int) -> UInt8 { w.load(fromByteOffset: k, as: UInt8.self) }
        @inline(__always) func word(_ k: Int) -> UInt64 { UInt64(littleEndian: w.loadUnaligned(fromByteOffset: k, as: UInt64.self)) }
        @inline(__always) func three(_ k: Int) -> Int {
            let d0 = byte(k) &- ASCII.zero, d1 = byte(k &+ 1) &- ASCII.zero, d2 = byte(k &+ 2) &- ASCII.zero
            guard d0 < 10, d1 < 10, d2 < 10 else { return -1 }
            return Int(d0) &* 100 &+ Int(d1) &* 10 &+ Int(d2)
        }
        if f.kind == .field {
            let k = BlockStopFinder.first(masks + Int(f.words), from: i)
            guard word(k) & f.mask == f.word else { return false }
            if f.status || f.list {
                if f.list, k > i, TemplateWalk.isListSpace(UnsafeRawBufferPointer(start: w + ls, count: n &- ls), k &- ls) { return false }
                if f.status {
                    guard k &- i == 3 else { return false }
                    status = three(i)
                    if status < 0 { return false }
                }
            }
            i = k &+ Int(f.advance)
            return true
        }
        switch f.kind {
        case .literal:
            guard word(i) & f.mask == f.word else { return false }
            i &+= Int(f.advance)
        case .commonLogTime:
            guard i &+ 26 <= n, let v = stamp.commonLogTime(at: w + i) else { return false }
            time = v
            i &+= 26
        case .rest:
            if f.status {
                guard n &- i == 3 else { return false }
                status = three(i)
                if status < 0 { return false }
            }
            i = n
        case .separator:
            if byte(i) == ASCII.space { i &+= 1 } else if !(i == n || (i > ls && byte(i &- 1) == ASCII.space)) { return false }
        case .step:
            let line = UnsafeRawBufferPointer(start: w + ls, count: n &- ls)
            let s = sp[Int(f.index)]
            if s.kind == .time {
                guard let (end, v) = TemplateTime.read(template.times[Int(s.index)], line, at: i &- ls, stamp: &stamp) else { return false }
                time = v
                i = ls &+ end
            } else {
                guard let end = TemplateSteps.other(template.ops[Int(s.index)], line, at: i &- ls, status: &status) else { return false }
                i = ls &+ end
            }
        case .field:
            return false
        }
        return true
    }
}
