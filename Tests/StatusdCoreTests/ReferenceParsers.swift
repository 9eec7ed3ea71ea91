// The parsers as they were before the speed work (byte loops, no caches), kept to check the fast ones
// against: every line must give the same result (ReferenceParserTests, and Fuzz/run.sh).
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// nginx/Apache combined and common log format, and the variants hosts really write.
///
/// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ...`
///
/// The parser anchors on the request: the first `"` opens it; it ends at the next `"` not escaped
/// by a backslash (Apache writes `\"`, nginx `\x22`). The status is the token after it. The time is
/// the `[...]` before the request, when there is one. So a `host:port` vhost prefix, a syslog or
/// container prefix, extra fields after the user agent, a missing ident field and a `"-"` request
/// all parse without configuration.
struct ReferenceCombinedParser: LineParser {
    init() {}

    func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let n = line.count
        guard n > 0 else { return .ignored }
        // The request's opening quote, and the last '[' before it.
        var i = 0
        var bracket = -1
        while i < n {
            let b = line[i]
            if b == ASCII.quote { break }
            if b == ASCII.openBracket { bracket = i }
            i += 1
        }
        if i == n {
            return isBlank(line) ? .ignored : .unparsed
        }
        // The request, to its closing quote.
        i += 1
        while i < n {
            let b = line[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.quote { break }
            i += 1
        }
        guard i < n else { return .unparsed }
        i += 1
        guard i < n, line[i] == ASCII.space else { return .unparsed }
        while i < n, line[i] == ASCII.space { i += 1 }
        // The status: exactly three digits, then a space or the end of the line.
        guard i + 3 <= n, ASCII.isDigit(line[i]), ASCII.isDigit(line[i + 1]), ASCII.isDigit(line[i + 2]) else {
            return .unparsed
        }
        if i + 3 < n, line[i + 3] != ASCII.space, line[i + 3] != ASCII.tab, line[i + 3] != ASCII.cr { return .unparsed }
        let value = ASCII.digit(line[i]) * 100 + ASCII.digit(line[i + 1]) * 10 + ASCII.digit(line[i + 2])
        let status = StatusCode(unchecked: UInt16(value))
        var time: Int64?
        if bracket >= 0 {
            time = CommonLogTime.parse(line, from: bracket + 1)
        }
        return .entry(status: status, time: time)
    }

    private func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where b != ASCII.space && b != ASCII.tab && b != ASCII.cr { return false }
        return true
    }
}
/// Finds the values of a few wanted keys in one JSON object, on bytes, without building it.
///
/// Paths are dotted (`request.status`) for nested objects. Scalars come back as byte ranges:
/// a string's contents without quotes, or a number's text. Everything else is skipped.
struct ReferenceJSONFieldScanner: Sendable {
    /// Wanted paths, each a list of key segments.
    let paths: [[[UInt8]]]

    init(paths: [String]) {
        self.paths = paths.map { $0.split(separator: ".").map { Array($0.utf8) } }
    }

    /// The value range of each wanted path (nil when absent); `false` when the text is not an object.
    /// Once `settles(found)` after a member's value, the rest only has to close the object
    /// (`closes`).
    func scan(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?],
              settles: ([Range<Int>?]) -> Bool = { _ in false }) -> Bool {
        for k in found.indices { found[k] = nil }
        var i = start
        skipSpace(p, &i)
        guard i < p.count, p[i] == UInt8(ascii: "{") else { return false }
        let all = (1 << paths.count) - 1
        var done = false
        return object(p, &i, depth: 0, active: all, found: &found, settles: settles, done: &done)
    }

    /// Where a brace-and-string tracker run from `i`, `depth` objects deep, closes the outermost
    /// one; nil at a backslash outside a string or a newline first.
    private func closes(_ p: UnsafeRawBufferPointer, from i: Int, depth: Int) -> Int? {
        var d = depth, inString = false, escaped = false
        for j in i..<p.count {
            let b = p[j]
            if b == UInt8(ascii: "\n") { return nil }
            if inString {
                if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
            } else if b == ASCII.quote {
                inString = true
            } else if b == ASCII.backslash {
                return nil
            } else if b == UInt8(ascii: "{") {
                d += 1
            } else if b == UInt8(ascii: "}") {
                if d == 0 { return j + 1 }
                d -= 1
            }
        }
        return nil
    }

    private func object(_ p: UnsafeRawBufferPointer, _ i: inout Int, depth: Int, active: Int, found: inout [Range<Int>?],
                        settles: ([Range<Int>?]) -> Bool, done: inout Bool) -> Bool {
        i += 1 // {
        skipSpace(p, &i)
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return true }
        while i < p.count {
            skipSpace(p, &i)
            guard i < p.count, p[i] == ASCII.quote, let key = string(p, &i) else { return false }
            skipSpace(p, &i)
            guard i < p.count, p[i] == ASCII.colon else { return false }
            i += 1
            skipSpace(p, &i)
            // Which wanted paths continue with this key at this depth.
            var here = 0, deeper = 0
            if active != 0 {
                for (k, path) in paths.enumerated() where active & (1 << k) != 0 && path.count > depth {
                    if equal(p, key, path[depth]) {
                        if path.count == depth + 1 { here |= 1 << k } else { deeper |= 1 << k }
                    }
                }
            }
            guard i < p.count else { return false }
            let c = p[i]
            if c == UInt8(ascii: "{") {
                guard object(p, &i, depth: depth + 1, active: deeper, found: &found, settles: settles, done: &done) else { return false }
                if done { return true }
            } else if c == ASCII.quote {
                guard let r = string(p, &i) else { return false }
                if here != 0 { for k in paths.indices where here & (1 << k) != 0 && found[k] == nil { found[k] = r } }
            } else if c == UInt8(ascii: "[") {
                guard skipArray(p, &i) else { return false }
            } else {
                let s = i
                while i < p.count, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "}"), p[i] != ASCII.space,
                      p[i] != ASCII.tab, p[i] != UInt8(ascii: "\n"), p[i] != ASCII.cr { i += 1 }
                if here != 0 { for k in paths.indices where here & (1 << k) != 0 && found[k] == nil { found[k] = s..<i } }
            }
            if settles(found), let end = closes(p, from: i, depth: depth) {
                i = end
                done = true
                return true
            }
            skipSpace(p, &i)
            guard i < p.count else { return false }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
        return false
    }

    /// A string at `i` (on its quote): the range of its contents; `i` moves past it.
    private func string(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Range<Int>? {
        let s = i + 1
        var j = s
        while j < p.count {
            let b = p[j]
            if b == ASCII.backslash { j += 2; continue }
            if b == ASCII.quote { i = j + 1; return s..<j }
            j += 1
        }
        return nil
    }

    private func skipArray(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        var depth = 0
        while i < p.count {
            let b = p[i]
            if b == ASCII.quote { guard string(p, &i) != nil else { return false }; continue }
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
            if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { i += 1; return true }
            }
            i += 1
        }
        return false
    }

    private func skipSpace(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
    }

    private func equal(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ key: [UInt8]) -> Bool {
        guard r.count == key.count else { return false }
        var k = 0
        for idx in r {
            if p[idx] != key[k] { return false }
            k += 1
        }
        return true
    }
}
/// JSON lines: nginx `escape=json`, Caddy, Traefik, Cloudflare Logpush, Akamai DataStream 2, or
/// any JSON log with configurable status and time keys (dotted paths for nested objects).
///
/// Each key is a list of candidates, the first present wins. A prefix before the object
/// (syslog, `caddy  | ` from compose) is skipped. An object spread over several lines (a
/// pretty-printed export, whose first line ends with the `{` it opens) is gathered until it closes;
/// a line cut off in the middle of an object is one unreadable line.
struct ReferenceJSONParser: LineParser {
    private let scanner: ReferenceJSONFieldScanner
    private let statusCount: Int
    private var found: [Range<Int>?]
    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    static let maxObjectBytes = 1 << 20

    init(statusKeys: [String], timeKeys: [String]) {
        scanner = ReferenceJSONFieldScanner(paths: statusKeys + timeKeys)
        statusCount = statusKeys.count
        found = Array(repeating: nil, count: statusKeys.count + timeKeys.count)
    }

    /// Lines held in `pending`, whose results are handed on once the object closes or is given up.
    private var held = 0
    static let maxObjectLines = 1_000

    mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        var last = ParseResult.ignored
        parse(line) { last = $0 }
        return last
    }

    mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void) {
        if !pending.isEmpty {
            // A line that is a whole object by itself ends the guess: the held lines were cut off.
            if Self.isWholeObject(line) {
                finish(body)
                if let r = first(line) { body(r) }
                return
            }
            pending.append(UInt8(ascii: "\n"))
            pending.append(contentsOf: line)
            held += 1
            track(line, from: 0)
            if depth > 0 {
                if pending.count > Self.maxObjectBytes || held > Self.maxObjectLines { finish(body) }
                return
            }
            let whole = pending
            for _ in 0..<(held - 1) { body(.ignored) }
            pending.removeAll()
            held = 0
            body(whole.withUnsafeBytes { object($0, from: 0) })
            return
        }
        if let r = first(line) { body(r) }
    }

    mutating func finish(_ body: (ParseResult) -> Void) {
        for _ in 0..<held { body(.unparsed) }
        held = 0
        pending.removeAll()
        depth = 0; inString = false; escaped = false
    }

    /// Whole object by itself: `{` not after `:`, `,` or `[`, with a key, closing with only blanks after.
    static func isWholeObject(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let brace = line.firstIndex(of: UInt8(ascii: "{")) else { return false }
        let before = line[..<brace].filter { $0 != ASCII.space && $0 != ASCII.tab }
        if let b = before.last, b == UInt8(ascii: ",") || b == UInt8(ascii: "[") { return false }
        if before.suffix(2).elementsEqual([ASCII.quote, UInt8(ascii: ":")]) { return false }
        var depth = 0, inString = false, escaped = false, keyed = false
        for i in brace..<line.count {
            let b = line[i]
            if inString {
                if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
            } else if b == ASCII.quote {
                inString = true; keyed = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    return keyed && line[(i + 1)...].allSatisfy { $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.cr }
                }
            }
        }
        return false
    }

    private mutating func first(_ line: UnsafeRawBufferPointer) -> ParseResult? {
        guard let brace = line.firstIndex(of: UInt8(ascii: "{")) else {
            return line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) ? .ignored : .unparsed
        }
        depth = 0; inString = false; escaped = false
        track(line, from: brace)
        if depth > 0 {
            // Only the first line of a pretty-printed object, ending with its `{` (or a `[`), goes on
            // over the next lines; any other unfinished object is a cut-off line.
            let last = line.lastIndex { $0 != ASCII.space && $0 != ASCII.tab && $0 != ASCII.cr }
            guard !inString, let last, line[last] == UInt8(ascii: "{") || line[last] == UInt8(ascii: "[") else { return .unparsed }
            pending.append(contentsOf: line[brace...])
            held = 1
            return nil
        }
        return object(line, from: brace)
    }

    private mutating func object(_ p: UnsafeRawBufferPointer, from start: Int) -> ParseResult {
        // Once the first status key and the first time key are found and both read, the rest of an
        // object on one line only has to close.
        let statusCount = statusCount
        let settles = { (f: [Range<Int>?]) -> Bool in
            guard f.count > statusCount, let s = f[0], let t = f[statusCount] else { return false }
            return Digits.status(UnsafeRawBufferPointer(rebasing: p[s])) != nil && TimeText.parse(UnsafeRawBufferPointer(rebasing: p[t])) != nil
        }
        guard scanner.scan(p, from: start, into: &found, settles: settles) else { return .unparsed }
        var status: StatusCode?
        for k in 0..<statusCount {
            if let r = found[k], let s = Digits.status(UnsafeRawBufferPointer(rebasing: p[r])) { status = s; break }
        }
        guard let status else { return .unparsed }
        var time: Int64?
        for k in statusCount..<found.count {
            if let r = found[k], let t = TimeText.parse(UnsafeRawBufferPointer(rebasing: p[r])) { time = t; break }
        }
        return .entry(status: status, time: time)
    }

    /// Brace depth outside strings.
    private mutating func track(_ p: UnsafeRawBufferPointer, from start: Int) {
        for i in start..<p.count {
            let b = p[i]
            if inString {
                if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
            } else if b == ASCII.quote {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
            }
        }
    }
}
/// W3C extended log format: IIS (space separated) and CloudFront (tab separated).
///
/// The field order is whatever the last `#Fields:` line said, so a header that changes in the
/// middle of a file is followed. A `#Date:` header gives the date when the fields carry a time only.
/// Without any header, CloudFront's documented order is assumed.
struct ReferenceW3CParser: LineParser {
    private var statusIndex: Int?
    private var dateIndex: Int?
    private var timeIndex: Int?
    private var headerDate: [UInt8] = []
    private var splitter = ReferenceFieldSplitter()

    /// CloudFront's standard order up to `sc-status` (the 24- and 33-field headers agree on it).
    static let cloudFrontFields = ["date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status"]

    init(defaultFields: [String]? = nil) {
        if let f = defaultFields { setFields(f) }
    }

    private mutating func setFields(_ names: [String]) {
        statusIndex = names.firstIndex(of: "sc-status")
        dateIndex = names.firstIndex(of: "date") ?? names.firstIndex(of: "date-local")
        timeIndex = names.firstIndex(of: "time") ?? names.firstIndex(of: "time-local")
    }

    mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        guard let first = line.first else { return .ignored }
        if first == UInt8(ascii: "#") {
            header(line)
            return .ignored
        }
        if line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) { return .ignored }
        guard let si = statusIndex else { return .unparsed }
        splitter.split(line, tab: line.contains(ASCII.tab))
        guard let field = splitter.field(line, si) else { return .unparsed }
        // An empty quoted status (Incapsula: the connection closed before a response) is `000`.
        guard let status = field.isEmpty ? StatusCode.noResponse : Digits.status(field) else { return .unparsed }
        // The line proves its shape: where the fields give a date and a time, they must read as
        // one (a line of another shape has something else there, and its "status" is not one).
        let when = time(line)
        if when == nil, timeIndex != nil, dateIndex != nil || !headerDate.isEmpty { return .unparsed }
        return .entry(status: status, time: when)
    }

    /// `date` (or the `#Date:` header's) and `time` joined on the stack: no allocation per line.
    private func time(_ line: UnsafeRawBufferPointer) -> Int64? {
        guard let ti = timeIndex, let t = splitter.field(line, ti), t.count >= 8, t.count <= 20 else { return nil }
        let field = dateIndex.flatMap { splitter.field(line, $0) }
        return headerDate.withUnsafeBytes { header in
            let d = field ?? header
            guard d.count == 10 else { return nil }
            return withUnsafeTemporaryAllocation(byteCount: 32, alignment: 1) { buf in
                buf.copyMemory(from: d)
                buf[10] = ASCII.space
                UnsafeMutableRawBufferPointer(rebasing: buf[11...]).copyMemory(from: t)
                return TimeText.rfc3339(UnsafeRawBufferPointer(rebasing: buf[0..<(11 + t.count)]))
            }
        }
    }

    private mutating func header(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("#Fields:") {
            let names = text.dropFirst(8).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            setFields(names)
        } else if text.hasPrefix("#Date:") {
            let rest = text.dropFirst(6).drop(while: { $0 == " " || $0 == "\t" })
            let date = Array(rest.prefix(10).utf8)
            if date.count == 10, date[4] == ASCII.dash { headerDate = date }
        }
    }
}
/// Splits a line into fields by a separator, keeping `"quoted fields"` whole (their quotes
/// stripped), into a reused array of ranges: no allocation per line once warm.
struct ReferenceFieldSplitter: Sendable {
    var ranges: [Range<Int>] = []

    init() { ranges.reserveCapacity(48) }

    /// `tab`: split on single tabs (W3C from CloudFront); otherwise on runs of spaces.
    mutating func split(_ p: UnsafeRawBufferPointer, tab: Bool, from start: Int = 0) {
        ranges.removeAll(keepingCapacity: true)
        let n = p.count
        var i = start
        while i < n {
            if !tab { while i < n, p[i] == ASCII.space { i += 1 } }
            guard i < n else { break }
            if p[i] == ASCII.quote {
                var j = i + 1
                while j < n, p[j] != ASCII.quote {
                    if p[j] == ASCII.backslash { j += 1 }
                    j += 1
                }
                ranges.append((i + 1)..<min(j, n))
                i = min(j + 1, n)
                // Up to the separator.
                while i < n, p[i] != (tab ? ASCII.tab : ASCII.space) { i += 1 }
                if tab, i < n { i += 1 }
                continue
            }
            var j = i
            let sep = tab ? ASCII.tab : ASCII.space
            while j < n, p[j] != sep { j += 1 }
            ranges.append(i..<j)
            i = tab ? j + 1 : j
        }
    }

    func field(_ p: UnsafeRawBufferPointer, _ k: Int) -> UnsafeRawBufferPointer? {
        guard k >= 0, k < ranges.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: p[ranges[k]])
    }
}

enum ReferencePrefix {
    static func containerEnd(_ p: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < p.count, i < 128, p[i] != ASCII.space, p[i] != UInt8(ascii: "|") { i += 1 }
        guard i > 0 else { return nil }
        while i < p.count, p[i] == ASCII.space { i += 1 }
        guard i + 1 < p.count, p[i] == UInt8(ascii: "|"), p[i + 1] == ASCII.space else { return nil }
        return i + 2
    }
}
