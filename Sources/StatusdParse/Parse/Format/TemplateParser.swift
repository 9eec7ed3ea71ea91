/// Reads lines by a compiled `FormatTemplate`: literals must match byte for byte, each field is
/// read up to the first byte of the literal after it, and the status (and time) fields are
/// interpreted. A line that does not fit the template is `.unparsed`.
///
/// Why "up to the next literal's first byte" is exact: the servers escape every byte of a value
/// that could be mistaken for the format's own text inside quotes (nginx writes `"` as `\x22` or
/// `\"`, Apache as `\"`, HAProxy as `#22`), and a backslash escape is skipped as a pair. Times
/// are read by their shape (they hold spaces), and nginx's lists (`502, 504 : 200`) go on past a
/// space that separates their items.
///
/// Speed: one pass over the line with no allocation, by the template compiled once more into
/// `TemplateSteps` (a field and the literal after it one step, literals compared as words, fields
/// found with the word scanner, a repeated time text not parsed again). Replay reads whole chunks
/// in one pass instead (`tally(lines:)`, TemplateParser+Tally.swift), with the same results.
public struct TemplateParser: LineParser {
    public let template: FormatTemplate
    let prefix: LinePrefix
    /// The template compiled for status and time (`TemplateSteps`).
    let steps: TemplateSteps
    var stamp = StampCache()

    public init(_ template: FormatTemplate, prefix: LinePrefix = .auto) {
        self.template = template
        self.prefix = prefix
        steps = TemplateSteps(template)
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        var n = line.count
        while n > 0, line[n - 1] == ASCII.cr || line[n - 1] == ASCII.space { n -= 1 }
        guard n > 0 else { return .ignored }
        return Self.read(UnsafeRawBufferPointer(rebasing: line[0..<n]), steps, template, prefix, &stamp)
    }

    /// A trimmed, non-empty line: from its start, else (a prefix) from where the prefix ends.
    @inline(__always)
    static func read(_ p: UnsafeRawBufferPointer, _ steps: TemplateSteps, _ template: FormatTemplate, _ prefix: LinePrefix,
                     _ stamp: inout StampCache) -> ParseResult {
        steps.steps.withUnsafeBufferPointer { sp in
            steps.bytes.withUnsafeBufferPointer { bp in
                var time: Int64?
                let finder = WordStopFinder(line: p)
                let s = TemplateSteps.read(sp, bp, template, p, from: 0, limit: p.count, finder: finder, stamp: &stamp, time: &time)
                if s >= 0 { return .entry(status: StatusCode(unchecked: UInt16(s)), time: time) }
                return afterPrefix(p, sp, bp, template, prefix, &stamp)
            }
        }
    }

    /// A line that does not fit from its start, read again from the end of a syslog or container prefix.
    @inline(never)
    static func afterPrefix(_ p: UnsafeRawBufferPointer, _ sp: UnsafeBufferPointer<TemplateSteps.Step>, _ bp: UnsafeBufferPointer<UInt8>,
                            _ template: FormatTemplate, _ prefix: LinePrefix, _ stamp: inout StampCache) -> ParseResult {
        guard prefix != .none else { return .unparsed }
        let start = prefix.start(of: p)
        guard start > 0 else { return .unparsed }
        var time: Int64?
        let s = TemplateSteps.read(sp, bp, template, p, from: start, limit: p.count, finder: WordStopFinder(line: p), stamp: &stamp, time: &time)
        return s >= 0 ? .entry(status: StatusCode(unchecked: UInt16(s)), time: time) : .unparsed
    }
}

/// The labels of a line read by a template: the host, request and upstream fields' ranges.
struct TemplateLabels: Sendable {
    let template: FormatTemplate
    let prefix: LinePrefix
    private var stamp = StampCache()

    init(_ template: FormatTemplate, prefix: LinePrefix) {
        self.template = template
        self.prefix = prefix
    }

    mutating func extract(_ line: UnsafeRawBufferPointer) -> LineLabels {
        var n = line.count
        while n > 0, line[n - 1] == ASCII.cr || line[n - 1] == ASCII.space { n -= 1 }
        let p = UnsafeRawBufferPointer(rebasing: line[0..<n])
        var walk = TemplateWalk(labels: true)
        if walk.read(template, p, from: 0, stamp: &stamp) { return walk.lineLabels }
        let start = prefix == .none ? 0 : prefix.start(of: p)
        var again = TemplateWalk(labels: true)
        if start > 0, again.read(template, p, from: start, stamp: &stamp) { return again.lineLabels }
        return LineLabels()
    }
}

/// One reading of one line by a template.
struct TemplateWalk {
    let labels: Bool
    var status: StatusCode?
    var time: Int64?
    var lineLabels = LineLabels()

    init(labels: Bool) { self.labels = labels }

    /// `true` when the whole line from `from` fits the template.
    @inline(__always)
    mutating func read(_ t: FormatTemplate, _ p: UnsafeRawBufferPointer, from: Int, stamp: inout StampCache) -> Bool {
        let n = p.count
        var i = from
        for op in t.ops {
            switch op.kind {
            case .literal:
                guard i + op.count <= n else { return false }
                var k = 0
                while k < op.count {
                    if p[i + k] != t.bytes[op.start + k] { return false }
                    k += 1
                }
                i += op.count
            case .separator:
                // (At the line's end too: a trailing space was trimmed, or nothing came after it.)
                if i < n, p[i] == ASCII.space { i += 1 } else if !(i == n || (i > from && p[i - 1] == ASCII.space)) { return false }
            case .field:
                if op.role == .time {
                    guard let (end, value) = TemplateTime.read(t.times[op.time], p, at: i, stamp: &stamp) else { return false }
                    time = value
                    i = end
                    continue
                }
                var value = i..<i
                var end = i
                if op.quoted, i < n, p[i] == ASCII.quote {
                    guard let close = Self.scan(p, from: i + 1, stop: ASCII.quote, backslash: op.backslash, list: false) , close < n else { return false }
                    value = (i + 1)..<close
                    end = close + 1
                } else if op.role == .captures {
                    if i < n, p[i] == UInt8(ascii: "{") {
                        guard let close = Self.scan(p, from: i + 1, stop: UInt8(ascii: "}"), backslash: false, list: false), close < n else { return false }
                        end = close + 1
                    }
                    i = end
                    continue
                } else {
                    if let stop = op.stop {
                        guard let e = Self.scan(p, from: i, stop: stop, backslash: op.backslash,
                                                list: (op.role == .list || op.role == .upstreamList) && stop == ASCII.space),
                              e < n else { return false }
                        end = e
                    } else {
                        end = n
                    }
                    value = i..<end
                }
                switch op.role {
                case .status:
                    guard let s = Digits.status(UnsafeRawBufferPointer(rebasing: p[value])) else { return false }
                    status = s
                case .host:
                    if labels { lineLabels.host = LabelBytes.value(p, value) }
                case .request:
                    if labels, let v = LabelBytes.value(p, value), let target = LabelBytes.requestTarget(p, v) {
                        let url = LabelBytes.splitURL(p, target)
                        lineLabels.path = url.path
                        if lineLabels.host == nil { lineLabels.host = url.authority }
                    }
                case .target:
                    if labels, let v = LabelBytes.value(p, value) {
                        let url = LabelBytes.splitURL(p, v)
                        lineLabels.path = url.path
                        if lineLabels.host == nil { lineLabels.host = url.authority }
                    }
                case .upstream, .upstreamList:
                    if labels, let v = LabelBytes.value(p, value) {
                        // HAProxy `%b/%s`: one label from the backend to the server.
                        if let u = lineLabels.upstream { lineLabels.upstream = u.lowerBound..<v.upperBound } else { lineLabels.upstream = v }
                    }
                case .opaque, .list, .time, .captures: break
                }
                i = end
            }
        }
        return i == n
    }

    /// The first index from `from` holding `stop` (a backslash escaping the byte after it when
    /// `backslash`); for a list, a space between items (`, ` or ` : `) does not stop it. `nil` when
    /// an escape runs past the end; `p.count` when there is no stop.
    @inline(__always)
    static func scan(_ p: UnsafeRawBufferPointer, from: Int, stop: UInt8, backslash: Bool, list: Bool) -> Int? {
        let n = p.count
        var j = from
        while true {
            let k = backslash && stop != ASCII.backslash ? WordScan.first(stop, ASCII.backslash, in: p, from: j) : WordScan.first(stop, in: p, from: j)
            if k >= n { return n }
            if p[k] == ASCII.backslash && stop != ASCII.backslash {
                j = k + 2
                if j > n { return nil }
                continue
            }
            if list, k > from, isListSpace(p, k) {
                j = k + 1
                continue
            }
            return k
        }
    }

    /// A space inside an nginx list: after a `,` or a `:` that follows a space, or before ` : `.
    @inline(__always)
    static func isListSpace(_ p: UnsafeRawBufferPointer, _ k: Int) -> Bool {
        let before = p[k - 1]
        if before == UInt8(ascii: ",") { return true }
        if before == ASCII.colon, k >= 2, p[k - 2] == ASCII.space { return true }
        return k + 2 < p.count && p[k + 1] == ASCII.colon && p[k + 2] == ASCII.space
    }
}
