#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON lines: nginx `escape=json`, Caddy, Traefik, Cloudflare Logpush, Akamai DataStream 2, or
/// any JSON log with configurable status and time keys (dotted paths for nested objects).
///
/// Each key is a list of candidates, the first present wins. A prefix before the object
/// (syslog, `caddy  | ` from compose) is skipped. An object spread over several lines (a
/// pretty-printed export, whose first line ends with the `{` it opens) is gathered until it closes;
/// a line cut off in the middle of an object is one unreadable line, and so is one cut off right
/// after a `{` or `[` once the next line shows it: a whole object by itself (see `parse(_:into:)`).
public struct JSONParser: LineParser {
    let scanner: JSONFieldScanner
    private let statusCount: Int
    /// The paths (a bit each) that settle a line: the first status key and the first time key.
    let settle: UInt64
    private var found: [Range<Int>?]
    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var stamp = StampCache()
    private var stampKey = -1
    /// Whether an object ever went on over several lines (a split file cannot be parsed in parts then).
    public private(set) var sawMultiLineObject = false
    public static let maxObjectBytes = 1 << 20
    /// Lines an object over several lines may take; a pretty-printed access log entry takes tens.
    public static let maxObjectLines = 1_000
    /// Lines held in `pending` (their results are handed on when the object closes or is given up).
    private var heldLines = 0

    public init(statusKeys: [String], timeKeys: [String]) {
        scanner = JSONFieldScanner(paths: statusKeys + timeKeys)
        statusCount = statusKeys.count
        // Once the first status key and the first time key are found, no later key can change
        // the result (unless they do not read: see `parse`).
        settle = statusKeys.isEmpty || timeKeys.isEmpty || statusKeys.count + timeKeys.count >= 63
            ? 0 : 1 | 1 << UInt64(statusKeys.count)
        found = Array(repeating: nil, count: statusKeys.count + timeKeys.count)
    }

    /// The one-result view (`LineParser.parse(_:)`): a line held to see what follows it reads as
    /// ignored here, and a later line as its own result. Decoders use `parse(_:into:)`, which
    /// hands on the held lines' results too.
    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        var last = ParseResult.ignored
        parse(line) { last = $0 }
        return last
    }

    /// One result per line in all. The first line of an object over several lines is held, with
    /// the lines that continue it, until the object closes (then they are ignored and the object is
    /// one entry) or the guess ends: a line that is a whole object by itself, or more than
    /// `maxObjectLines` lines or `maxObjectBytes` bytes. Then every held line is one unparsed line
    /// (the first was cut off after its `{`), and the whole object is read as ever.
    public mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void) {
        guard !pending.isEmpty else {
            if let result = first(line) { body(result) }
            return
        }
        if Self.isWholeObject(line) {
            abandon(body)
            if let result = first(line) { body(result) }
            return
        }
        pending.append(UInt8(ascii: "\n"))
        pending.append(contentsOf: line)
        heldLines += 1
        track(line, from: 0)
        if depth > 0 {
            if pending.count > Self.maxObjectBytes || heldLines > Self.maxObjectLines { abandon(body) }
            return
        }
        let whole = pending
        pending.removeAll(keepingCapacity: true)
        for _ in 1..<heldLines { body(.ignored) }
        heldLines = 0
        body(whole.withUnsafeBytes { object($0, from: 0) })
    }

    /// Held lines at the end of a file: an object that never closed, one unparsed line each.
    public mutating func finish(_ body: (ParseResult) -> Void) {
        if !pending.isEmpty { abandon(body) }
    }

    /// The held lines were no object: each is one unparsed line.
    private mutating func abandon(_ body: (ParseResult) -> Void) {
        for _ in 0..<heldLines { body(.unparsed) }
        heldLines = 0
        pending.removeAll(keepingCapacity: pending.capacity <= 64 * 1024)
        depth = 0; inString = false; escaped = false
    }

    /// A line read on its own: its result, or nil when it is held as the first line of an object
    /// that goes on over the next lines.
    private mutating func first(_ line: UnsafeRawBufferPointer) -> ParseResult? {
        guard let brace = Self.firstBrace(line) else {
            return line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) ? .ignored : .unparsed
        }
        depth = 0; inString = false; escaped = false
        // One pass for most lines: a simple object (see `scanObject`) leaves the brace tracker
        // where it started, so only what follows the object needs tracking.
        if let scanned = scanner.scanObject(line, from: brace, into: &found, settle: settle), scanned.simple {
            track(line, from: scanned.end)
            if depth <= 0 { return entry(line, scannedFrom: brace, settled: scanned.settled) }
            depth = 0; inString = false; escaped = false
        }
        track(line, from: brace)
        if depth > 0 {
            // The first line of a pretty-printed object ends with the bracket it opens. Any other
            // unfinished object is a cut-off line: one unreadable line, not a reason to gather the
            // lines after it into an object that never closes. One that ends with its `{` may be
            // cut off too: the lines after it tell (see `parse(_:into:)`).
            guard !inString, Self.endsOpening(line) else { depth = 0; inString = false; escaped = false; return .unparsed }
            sawMultiLineObject = true
            pending.append(contentsOf: line[brace...])
            heldLines = 1
            return nil
        }
        return object(line, from: brace)
    }

    /// Whether `line` is a whole object by itself (after a prefix, if any): it cannot continue an
    /// object held from the lines before. A member's value (`"upstream": {...}`) or an array's
    /// element (`[{...}` or `{...},`) is not: the bracket follows `":`, `[` or `,`, or a comma
    /// follows it. A line holding only a whole object is taken as one even inside an array of a
    /// pretty-printed object (no pretty printer writes one so). Read only while an object is gathered.
    static func isWholeObject(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let brace = firstBrace(line) else { return false }
        var k = brace - 1
        while k >= 0, line[k] == ASCII.space || line[k] == ASCII.tab { k -= 1 }
        if k >= 0, line[k] == UInt8(ascii: ",") || line[k] == UInt8(ascii: "[") { return false }
        if k >= 0, line[k] == UInt8(ascii: ":") {
            // `"key": {` is a member's value; `nginx: {` is a syslog prefix.
            k -= 1
            while k >= 0, line[k] == ASCII.space || line[k] == ASCII.tab { k -= 1 }
            if k >= 0, line[k] == ASCII.quote { return false }
        }
        var depth = 0, inString = false, escaped = false, keyed = false
        var i = brace
        while i < line.count {
            let b = line[i]
            if inString {
                if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
            } else if b == ASCII.quote {
                inString = true
                keyed = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { break }
            }
            i += 1
        }
        guard depth == 0, keyed, i < line.count else { return false }
        i += 1
        while i < line.count {
            if line[i] != ASCII.space, line[i] != ASCII.tab, line[i] != ASCII.cr { return false }
            i += 1
        }
        return true
    }

    private mutating func object(_ p: UnsafeRawBufferPointer, from start: Int) -> ParseResult {
        guard let scanned = scanner.scanObject(p, from: start, into: &found, settle: settle) else { return .unparsed }
        return entry(p, scannedFrom: start, settled: scanned.settled)
    }

    /// The entry of the object at `start`, just scanned into `found`. A `settled` scan found the
    /// first status and time keys early: when both read, they are what the whole walk would give;
    /// when not, a later candidate might, so the object is walked whole.
    private mutating func entry(_ p: UnsafeRawBufferPointer, scannedFrom start: Int, settled: Bool) -> ParseResult {
        if settled {
            if let settledEntry = entry(p, firstCandidatesOnly: true) { return settledEntry }
            guard scanner.scan(p, from: start, into: &found) else { return .unparsed }
        }
        return entry(p)
    }

    /// The status and time of the object just scanned into `found`.
    private mutating func entry(_ p: UnsafeRawBufferPointer) -> ParseResult {
        entry(p, firstCandidatesOnly: false) ?? .unparsed
    }

    /// As `entry`; with `firstCandidatesOnly`, nil unless the first status key and the first time
    /// key both read (a `settle` scan stops before the later candidates).
    @inline(__always)
    private mutating func entry(_ p: UnsafeRawBufferPointer, firstCandidatesOnly: Bool) -> ParseResult? {
        var status: StatusCode?
        for k in 0..<statusCount {
            if let r = found[k], let s = Digits.status(UnsafeRawBufferPointer(rebasing: p[r])) { status = s; break }
            if firstCandidatesOnly { return nil }
        }
        guard let status else { return firstCandidatesOnly ? nil : .unparsed }
        var time: Int64?
        for k in statusCount..<found.count {
            if let r = found[k] {
                let text = UnsafeRawBufferPointer(rebasing: p[r])
                // The same time text as the line before (same key) is not parsed again.
                if stampKey != k { stamp = StampCache(); stampKey = k }
                if let t = stamp.value(of: text, { TimeText.parse($0) }) { time = t; break }
            }
            if firstCandidatesOnly { return nil }
        }
        return .entry(status: status, time: time)
    }

    /// Whether an object that goes on over several lines is being gathered.
    var isGathering: Bool { !pending.isEmpty }

    /// The entry of a line whose first status key and first time key (`settle`) were found by the
    /// C walk, their ranges in `ranges` (two words a path); nil when either does not read (then a
    /// later candidate might, and `parse` reads the line).
    @inline(__always)
    mutating func settledEntry(_ line: UnsafeRawBufferPointer, _ ranges: UnsafeMutablePointer<Int64>) -> (code: UInt16, second: Int64)? {
        let s = Int(ranges[0]), e = Int(ranges[1])
        var code: UInt16
        if e - s == 3, let base = line.baseAddress {
            // Three digits, the usual case, read without bounds checks (the walk found them in the line).
            let d0 = base.load(fromByteOffset: s, as: UInt8.self) &- ASCII.zero
            let d1 = base.load(fromByteOffset: s + 1, as: UInt8.self) &- ASCII.zero
            let d2 = base.load(fromByteOffset: s + 2, as: UInt8.self) &- ASCII.zero
            guard d0 < 10, d1 < 10, d2 < 10 else { return nil }
            code = UInt16(d0) &* 100 &+ UInt16(d1) &* 10 &+ UInt16(d2)
        } else {
            guard let status = Digits.status(UnsafeRawBufferPointer(rebasing: line[s..<e])) else { return nil }
            code = status.rawValue
        }
        let k = statusCount
        let text = UnsafeRawBufferPointer(rebasing: line[Int(ranges[2 * k])..<Int(ranges[2 * k + 1])])
        if stampKey != k { stamp = StampCache(); stampKey = k }
        guard let t = stamp.value(of: text, { TimeText.parse($0) }) else { return nil }
        return (code, t)
    }

    /// Brace depth outside strings. Inside a string, the next quote or backslash is found eight
    /// bytes at a time (`WordScan`); a backslash escapes the byte after it.
    private mutating func track(_ p: UnsafeRawBufferPointer, from start: Int) {
        let n = p.count
        var i = start
        while i < n {
            if inString {
                if escaped { escaped = false; i += 1; continue }
                let k = WordScan.first(ASCII.quote, ASCII.backslash, in: p, from: i)
                if k >= n { return }
                if p[k] == ASCII.backslash { escaped = true } else { inString = false }
                i = k + 1
                continue
            }
            let b = p[i]
            if b == ASCII.quote {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
            }
            i += 1
        }
    }

    /// Whether the line's last byte other than space is `{` or `[`.
    private static func endsOpening(_ line: UnsafeRawBufferPointer) -> Bool {
        var k = line.count - 1
        while k >= 0, line[k] == ASCII.space || line[k] == ASCII.tab || line[k] == ASCII.cr { k -= 1 }
        return k >= 0 && (line[k] == UInt8(ascii: "{") || line[k] == UInt8(ascii: "["))
    }

    private static func firstBrace(_ line: UnsafeRawBufferPointer) -> Int? {
        // Most JSON logs start their lines with the object.
        if let b = line.first, b == UInt8(ascii: "{") { return 0 }
        guard let base = line.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: "{")), line.count) else { return nil }
        return UnsafeRawPointer(hit) - base
    }
}

extension JSONParser {
    /// Status and time keys of each JSON preset.
    public static func preset(_ format: LogFormat) -> (status: [String], time: [String]) {
        switch format {
        case .caddy: return (["status"], ["ts"])
        case .traefik: return (["DownstreamStatus", "OriginStatus"], ["StartUTC", "time", "StartLocal"])
        case .cloudflare: return (["EdgeResponseStatus"], ["EdgeStartTimestamp", "EdgeEndTimestamp"])
        case .akamai: return (["statusCode"], ["reqTimeSec"])
        case .nginxJSON: return (["status"], ["time_iso8601", "time_local", "msec", "time"])
        default: return (["status"], ["time", "ts", "timestamp", "@timestamp", "time_iso8601", "time_local", "msec"])
        }
    }
}
