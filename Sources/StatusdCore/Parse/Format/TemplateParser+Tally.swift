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
    mutating func tally(lines span: UnsafeRawBufferPointer, open: inout SecondRuns.Open, closed: inout SecondRuns.Closed) {
        guard let base = span.baseAddress, span.count > 0 else { return }
        let steps = self.steps, template = self.template, prefix = self.prefix
        var stamp = self.stamp
        let stride = BlockWindow.blocks
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: (steps.stops.count + 1) * stride) { masks in
            steps.steps.withUnsafeBufferPointer { sp in
                steps.bytes.withUnsafeBufferPointer { bp in
                    steps.stops.withUnsafeBufferPointer { stops in
                        var window = BlockWindow(base: base, count: span.count, masks: masks.baseAddress!, stops: stops)
                        Self.tally(base, span.count, &window, sp, bp, template, prefix, &stamp, &open, &closed)
                    }
                }
            }
        }
        self.stamp = stamp
    }

    @inline(__always)
    private static func tally(_ base: UnsafeRawPointer, _ count: Int, _ window: inout BlockWindow,
                              _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ bp: UnsafeBufferPointer<UInt8>,
                              _ template: FormatTemplate, _ prefix: LinePrefix, _ stamp: inout StampCache,
                              _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        var start = 0
        while start < count {
            let end = window.newline(from: start)
            if end < 0 {
                // A line longer than the window: to its newline with memchr, then `parse`.
                let e = start + (memchrNewline(base + start, count - start) ?? (count - start))
                slowLine(base, start, e, sp, bp, template, prefix, &stamp, &open, &closed)
                start = e + 1
                continue
            }
            if end == start || byte(start) == 0 || byte(end - 1) == ASCII.cr || byte(end - 1) == ASCII.space {
                slowLine(base, start, end, sp, bp, template, prefix, &stamp, &open, &closed)
                start = end + 1
                continue
            }
            let line = UnsafeRawBufferPointer(start: base + start, count: end - start)
            var time: Int64?
            let s = TemplateSteps.read(sp, bp, template, line, from: 0, limit: count - start,
                                       finder: window.finder(lineStart: start), stamp: &stamp, time: &time)
            if s >= 0 {
                open.add(code: UInt16(truncatingIfNeeded: s), second: time ?? SecondRuns.atWatermark, closed: &closed)
            } else {
                open.add(TemplateParser.afterPrefix(line, sp, bp, template, prefix, &stamp), closed: &closed)
            }
            start = end + 1
        }
    }

    /// A line the common case leaves to `parse`'s code.
    @inline(never)
    private static func slowLine(_ base: UnsafeRawPointer, _ start: Int, _ end: Int,
                                 _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ bp: UnsafeBufferPointer<UInt8>,
                                 _ template: FormatTemplate, _ prefix: LinePrefix, _ stamp: inout StampCache,
                                 _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
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
            open.add(.entry(status: StatusCode(unchecked: UInt16(s)), time: time), closed: &closed)
        } else {
            open.add(TemplateParser.afterPrefix(p, sp, bp, template, prefix, &stamp), closed: &closed)
        }
    }
}

/// A window of up to `blocks` 64-byte blocks of a span and their masks (`cscan_class_masks_run`,
/// class-major: class `c`'s word for block `b` at `masks[c * blocks + b]`). It starts at the block
/// of the line being read and moves forward when a line's newline is not in it, so every line read
/// through it lies wholly inside it and a search for any class stops at the line's newline.
struct BlockWindow {
    static let blocks = 128
    private let base: UnsafeRawPointer
    private let count: Int
    private let masks: UnsafeMutablePointer<UInt64>
    private let stops: UnsafeBufferPointer<UInt8>
    /// The window's first byte (a multiple of 64), and how many blocks have masks.
    private var at = 0
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
            cscan_class_masks_run(base.advanced(by: at).assumingMemoryBound(to: UInt8.self), whole, stopBytes, stops.count, masks, Self.blocks)
        }
        made = whole
        if whole < Self.blocks, left - whole * 64 > 0 {
            var pad: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
            let n = left - whole * 64
            withUnsafeMutableBytes(of: &pad) { buf in
                buf.baseAddress!.copyMemory(from: base + at + whole * 64, byteCount: n)
                cscan_class_masks_run(buf.baseAddress!.assumingMemoryBound(to: UInt8.self), 1, stopBytes, stops.count, masks + whole, Self.blocks)
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

    @inline(__always)
    func find(_ s: TemplateSteps.Step, from j: Int) -> Int {
        let words = masks + Int(s.cls) &* BlockWindow.blocks
        let off = offset &+ j
        var b = off &>> 6
        var m = words[b] & (~0 &<< UInt64(off & 63))
        while m == 0 {
            b &+= 1
            m = words[b]
        }
        return (b &<< 6) &+ m.trailingZeroBitCount &- offset
    }
}
