/// A `FormatTemplate`'s ops compiled once more, for reading a line's status and time only (the
/// live count and replay; labels still walk the ops, `TemplateWalk`).
///
/// Why a second form: the ops are what the format string says, one per literal and per field; the
/// steps are what reading needs. A field and the literal after it are one step (the field ends at
/// the literal's first byte, so that byte is already matched: only the rest is compared), a literal
/// of up to 8 bytes is one masked 64-bit compare, a `[$time_local]` is four loads against the last
/// stamp, and each field's stop byte has a class: the one-pass reader
/// (`TemplateParser.tally(lines:)`) finds a field's end, an escape in it or the line's end as the
/// lowest bit of that class's mask (`cscan_classes.h`), the live path with the word scanner. Both
/// read every line exactly as `TemplateWalk` does (the fuzzer and `TemplateTallyTests` check it).
struct TemplateSteps: Sendable {
    struct Step: Sendable {
        enum Kind: UInt8, Sendable {
            /// Match the literal.
            case literal
            /// HAProxy's separator (as `TemplateWalk`).
            case separator
            /// A field read to its stop byte (not escaped by a backslash when `backslash`; past a
            /// list's inner spaces when `list`), then the rest of the literal after it.
            case field
            /// A field that runs to the line's end.
            case rest
            /// `$time_local` and its kin: 26 bytes, read through the stamp cache.
            case commonLogTime
            /// Any other time shape (`FormatTemplate.times[index]`).
            case time
            /// A quoted field, captured headers, or a field whose stop byte has no class: the op
            /// `FormatTemplate.ops[index]`, read as `TemplateWalk` reads it.
            case other
        }
        var kind: Kind
        /// The field is the status.
        var status = false
        var backslash = true
        var list = false
        /// `.field`: a literal follows it (`start`, `count`).
        var joined = false
        var stop: UInt8 = 0
        /// `.field`: the class of `stop` in the masks (1...).
        var cls: UInt8 = 0
        /// `.literal`: the literal; `.field`: the literal after the stop byte, without that byte.
        /// Its bytes in `bytes`, and the first eight as a word and a mask.
        var start: Int32 = 0
        var count: Int32 = 0
        var word: UInt64 = 0
        var mask: UInt64 = 0
        /// `.time`: the shape's index; `.other`: the op's index.
        var index: Int32 = 0

        init(kind: Kind) { self.kind = kind }
    }

    private(set) var steps: [Step] = []
    /// The steps again for the one-pass reader's common case (`TemplateParser+Tally.swift`); empty
    /// when a literal holds a newline (the common case relies on none doing so).
    private(set) var fast: [FastStep] = []
    /// The stop bytes with a class: class `c` (1...) is `stops[c - 1]`.
    private(set) var stops: [UInt8] = []
    let bytes: [UInt8]

    /// Classes the masks have room for (`CSCAN_MAX_CLASSES`).
    static let maxClasses = 7

    init(_ t: FormatTemplate) {
        bytes = t.bytes
        var k = 0
        let ops = t.ops
        while k < ops.count {
            let op = ops[k]
            switch op.kind {
            case .literal:
                var s = Step(kind: .literal)
                setLiteral(&s, from: op.start, count: op.count)
                steps.append(s)
            case .separator:
                steps.append(Step(kind: .separator))
            case .field:
                if op.role == .time {
                    var s = Step(kind: t.times[op.time] == .commonLog ? .commonLogTime : .time)
                    s.index = Int32(op.time)
                    steps.append(s)
                    break
                }
                var s = Step(kind: .other)
                s.index = Int32(k)
                s.status = op.role == .status
                s.backslash = op.backslash
                if !op.quoted, op.role != .captures {
                    if let stop = op.stop {
                        let cls = stops.firstIndex(of: stop).map { $0 + 1 } ?? (stops.count < Self.maxClasses ? stops.count + 1 : 0)
                        if cls > 0 {
                            if cls > stops.count { stops.append(stop) }
                            s.kind = .field
                            s.stop = stop
                            s.cls = UInt8(cls)
                            s.list = (op.role == .list || op.role == .upstreamList) && stop == ASCII.space
                            // The literal after it (its first byte is the stop byte) is part of this step.
                            if k + 1 < ops.count, ops[k + 1].kind == .literal {
                                let next = ops[k + 1]
                                setLiteral(&s, from: next.start + 1, count: next.count - 1)
                                s.joined = true
                                k += 1
                            }
                        }
                    } else {
                        s.kind = .rest
                    }
                }
                steps.append(s)
            }
            k += 1
        }
        fast = compileFast(steps, stride: BlockWindow.stride)
    }

    /// One step of the common case: a field is found, then its stop byte and up to 7 bytes of the
    /// literal after it are compared as one word; a literal is compared 8 bytes at a time.
    struct FastStep: Sendable {
        enum Kind: UInt8, Sendable { case field, literal, commonLogTime, rest, separator, step }
        var kind: Kind
        var status = false
        var list = false
        /// `.field`, `.literal`: how far the step goes from where the word is compared.
        var advance: UInt8 = 0
        /// `.field`: where its class's mask words start (`cls * BlockWindow.stride`).
        var words: Int32 = 0
        /// `.step`: the `Step` read as `TemplateSteps.read` reads it (a time of another shape, a
        /// quoted field...).
        var index: Int32 = 0
        var word: UInt64 = 0
        var mask: UInt64 = 0

        init(kind: Kind) { self.kind = kind }
    }

    /// `word` and `mask` of `b`.
    private static func word(_ b: ArraySlice<UInt8>) -> (UInt64, UInt64) {
        var word: UInt64 = 0, mask: UInt64 = 0
        for (j, x) in b.enumerated() {
            word |= UInt64(x) << UInt64(8 * j)
            mask |= 0xFF << UInt64(8 * j)
        }
        return (word, mask)
    }

    private func compileFast(_ steps: [Step], stride: Int) -> [FastStep] {
        guard !bytes.contains(0x0A) else { return [] }
        var out: [FastStep] = []
        func literal(_ b: ArraySlice<UInt8>) {
            var from = b.startIndex
            while from < b.endIndex {
                let to = min(b.endIndex, from + 8)
                var f = FastStep(kind: .literal)
                (f.word, f.mask) = Self.word(b[from..<to])
                f.advance = UInt8(to - from)
                out.append(f)
                from = to
            }
        }
        for (k, s) in steps.enumerated() {
            let lit = bytes[Int(s.start)..<Int(s.start + s.count)]
            switch s.kind {
            case .field:
                var f = FastStep(kind: .field)
                f.status = s.status
                f.list = s.list
                f.words = Int32(Int(s.cls) * stride)
                let head = s.joined ? lit.prefix(7) : []
                (f.word, f.mask) = Self.word([s.stop] + head)
                f.advance = s.joined ? UInt8(1 + head.count) : 0
                out.append(f)
                if s.joined { literal(lit.dropFirst(head.count)) }
            case .literal:
                literal(lit)
            case .commonLogTime:
                out.append(FastStep(kind: .commonLogTime))
            case .rest:
                var f = FastStep(kind: .rest)
                f.status = s.status
                out.append(f)
            case .separator:
                out.append(FastStep(kind: .separator))
            case .time, .other:
                var f = FastStep(kind: .step)
                f.index = Int32(k)
                out.append(f)
            }
        }
        return out
    }

    private func setLiteral(_ s: inout Step, from start: Int, count: Int) {
        s.start = Int32(start)
        s.count = Int32(count)
        var word: UInt64 = 0, mask: UInt64 = 0
        for j in 0..<min(count, 8) {
            word |= UInt64(bytes[start + j]) << UInt64(8 * j)
            mask |= 0xFF << UInt64(8 * j)
        }
        s.word = word
        s.mask = mask
    }
}

/// Finds a field's stop byte for `TemplateSteps.read`.
protocol TemplateStopFinder {
    /// The first index from `j` (in the line) that holds the step's stop byte or a backslash (the
    /// finder may also return a backslash the step does not treat as an escape), else the line's length.
    func find(_ s: TemplateSteps.Step, from j: Int) -> Int
}

/// The live path's finder: the word scanner over the line.
struct WordStopFinder: TemplateStopFinder {
    let line: UnsafeRawBufferPointer

    @inline(__always)
    func find(_ s: TemplateSteps.Step, from j: Int) -> Int {
        s.backslash && s.stop != ASCII.backslash
            ? WordScan.first(s.stop, ASCII.backslash, in: line, from: j)
            : WordScan.first(s.stop, in: line, from: j)
    }
}

extension TemplateSteps {
    /// Reads the line `p` from `from` by the steps, as `TemplateWalk.read` does without labels: the
    /// status when the whole line fits (and `time` set to the last time field's), else -1.
    /// `limit`: how many bytes from `p`'s start may be loaded (at least `p.count`: the line and
    /// what follows it in memory), for 8-byte literal compares.
    @inline(__always)
    static func read<F: TemplateStopFinder>(_ steps: UnsafeBufferPointer<Step>, _ bytes: UnsafeBufferPointer<UInt8>,
                                            _ t: FormatTemplate, _ p: UnsafeRawBufferPointer, from: Int, limit: Int,
                                            finder: F, stamp: inout StampCache, time: inout Int64?) -> Int {
        let n = p.count
        guard let base = p.baseAddress else { return -1 }
        @inline(__always) func byte(_ k: Int) -> UInt8 { base.load(fromByteOffset: k, as: UInt8.self) }
        @inline(__always) func literal(_ s: Step, at i: Int) -> Bool {
            let c = Int(s.count)
            if c == 0 { return true }
            guard i &+ c <= n else { return false }
            if c <= 8, i &+ 8 <= limit {
                return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) & s.mask == s.word
            }
            let from = Int(s.start)
            for k in 0..<c where byte(i &+ k) != bytes[from &+ k] { return false }
            return true
        }
        @inline(__always) func statusCode(_ lo: Int, _ hi: Int) -> Int {
            let len = hi &- lo
            if len == 3 {
                let d0 = byte(lo) &- ASCII.zero, d1 = byte(lo &+ 1) &- ASCII.zero, d2 = byte(lo &+ 2) &- ASCII.zero
                guard d0 < 10, d1 < 10, d2 < 10 else { return -1 }
                return Int(d0) &* 100 &+ Int(d1) &* 10 &+ Int(d2)
            }
            guard let s = Digits.status(UnsafeRawBufferPointer(start: base + lo, count: len)) else { return -1 }
            return Int(s.rawValue)
        }
        var status = -1
        var i = from
        for s in steps {
            switch s.kind {
            case .field:
                var j = i
                var end: Int
                while true {
                    let k = finder.find(s, from: j)
                    if k >= n { return -1 }
                    let b = byte(k)
                    if b == s.stop {
                        if s.list, k > i, TemplateWalk.isListSpace(p, k) { j = k &+ 1; continue }
                        end = k
                        break
                    }
                    // A backslash.
                    if s.backslash {
                        j = k &+ 2
                        if j > n { return -1 }
                    } else {
                        j = k &+ 1
                    }
                }
                if s.status {
                    status = statusCode(i, end)
                    if status < 0 { return -1 }
                }
                if s.joined {
                    guard literal(s, at: end &+ 1) else { return -1 }
                    i = end &+ 1 &+ Int(s.count)
                } else {
                    i = end
                }
            case .literal:
                guard literal(s, at: i) else { return -1 }
                i &+= Int(s.count)
            case .commonLogTime:
                guard i &+ 26 <= n, let v = stamp.commonLogTime(at: base + i) else { return -1 }
                time = v
                i &+= 26
            case .rest:
                if s.status {
                    status = statusCode(i, n)
                    if status < 0 { return -1 }
                }
                i = n
            case .separator:
                if i < n, byte(i) == ASCII.space { i &+= 1 } else if !(i == n || (i > from && byte(i &- 1) == ASCII.space)) { return -1 }
            case .time:
                guard let (end, v) = TemplateTime.read(t.times[Int(s.index)], p, at: i, stamp: &stamp) else { return -1 }
                time = v
                i = end
            case .other:
                guard let end = other(t.ops[Int(s.index)], p, at: i, status: &status) else { return -1 }
                i = end
            }
        }
        return i == n ? status : -1
    }

    /// A quoted field, captured headers, or a field without a class, read as `TemplateWalk.read`
    /// reads it: where it ends, or nil when the line does not fit.
    @inline(never)
    static func other(_ op: FormatTemplate.Op, _ p: UnsafeRawBufferPointer, at i: Int, status: inout Int) -> Int? {
        let n = p.count
        var value = i..<i
        var end = i
        if op.quoted, i < n, p[i] == ASCII.quote {
            guard let close = TemplateWalk.scan(p, from: i + 1, stop: ASCII.quote, backslash: op.backslash, list: false), close < n else { return nil }
            value = (i + 1)..<close
            end = close + 1
        } else if op.role == .captures {
            if i < n, p[i] == UInt8(ascii: "{") {
                guard let close = TemplateWalk.scan(p, from: i + 1, stop: UInt8(ascii: "}"), backslash: false, list: false), close < n else { return nil }
                end = close + 1
            }
            return end
        } else {
            if let stop = op.stop {
                guard let e = TemplateWalk.scan(p, from: i, stop: stop, backslash: op.backslash,
                                                list: (op.role == .list || op.role == .upstreamList) && stop == ASCII.space),
                      e < n else { return nil }
                end = e
            } else {
                end = n
            }
            value = i..<end
        }
        if op.role == .status {
            guard let s = Digits.status(UnsafeRawBufferPointer(rebasing: p[value])) else { return nil }
            status = Int(s.rawValue)
        }
        return end
    }
}
