#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// nginx/Apache combined and common log format, and the variants hosts really write.
///
/// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ...`
///
/// The parser anchors on the request: the first `"` opens it; it ends at the next `"` not escaped
/// by a backslash (Apache writes `\"`, nginx `\x22`). The status is the token after it. The time is
/// the `[...]` before the request, when there is one. So a `host:port` vhost prefix, a syslog or
/// container prefix, extra fields after the user agent, a missing ident field and a `"-"` request
/// all parse without configuration.
///
/// Speed: the quotes are found with `memchr` (vectorised), and a time whose 26 bytes equal the
/// previous line's is not parsed again (a busy log repeats each second's stamp hundreds of times).
/// Replay reads whole chunks in one pass instead (`tally(lines:)`, CombinedParser+Tally.swift),
/// with the same results.
public struct CombinedParser: LineParser {
    var stamp = StampCache()

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let n = line.count
        guard n > 0, let base = line.baseAddress else { return .ignored }
        // The request's opening quote.
        guard let hit = memchr(base, Int32(ASCII.quote), n) else {
            return isBlank(line) ? .ignored : .unparsed
        }
        let open = UnsafeRawPointer(hit) - base
        // The last '[' before it: the time's bracket sits a few bytes before the request.
        var bracket = open - 1
        while bracket >= 0, line[bracket] != ASCII.openBracket { bracket -= 1 }
        // The request, to its closing quote: the next quote not escaped by an odd run of
        // backslashes (a backslash escapes the byte after it).
        var i = open + 1
        while true {
            guard i < n, let q = memchr(base + i, Int32(ASCII.quote), n - i) else { return .unparsed }
            let close = UnsafeRawPointer(q) - base
            var k = close - 1
            while k > open, line[k] == ASCII.backslash { k -= 1 }
            if (close - 1 - k) & 1 == 0 { i = close; break }
            i = close + 1
        }
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
            time = stamp.commonLogTime(line, from: bracket + 1)
        }
        return .entry(status: status, time: time)
    }

    private func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where b != ASCII.space && b != ASCII.tab && b != ASCII.cr { return false }
        return true
    }
}

/// The last time text read and its value: consecutive lines of a log mostly share their second.
/// The key is the text's bytes (up to 32), so the answer is always what parsing would give.
struct StampCache: Sendable {
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    private var length = -1
    private var value: Int64?

    /// `CommonLogTime.parse(p, from: start)`, which reads exactly the 26 bytes from `start`.
    @inline(__always)
    mutating func commonLogTime(_ p: UnsafeRawBufferPointer, from start: Int) -> Int64? {
        guard start + 26 <= p.count, let base = p.baseAddress else { return nil }
        return commonLogTime(at: base + start)
    }

    /// `CommonLogTime.parse` of the 26 bytes at `p` (all readable), remembered: four loads and
    /// compares when the text is the last one's.
    @inline(__always)
    mutating func commonLogTime(at p: UnsafeRawPointer) -> Int64? {
        let a = p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let c = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        let d = UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt16.self)))
        if length == 26, a == w0, b == w1, c == w2, d == w3 { return value }
        return parseCommonLogTime(p)
    }

    @inline(never)
    private mutating func parseCommonLogTime(_ p: UnsafeRawPointer) -> Int64? {
        let text = UnsafeRawBufferPointer(start: p, count: 26)
        let v = CommonLogTime.parse(text, from: 0)
        store(text, v)
        return v
    }

    /// `body(text)` for a text of at most 32 bytes, remembered.
    @inline(__always)
    mutating func value(of text: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Int64?) -> Int64? {
        guard text.count <= 32 else { return body(text) }
        if let v = lookup(text) { return v }
        let v = body(text)
        store(text, v)
        return v
    }

    /// The remembered value for `text` (`.some(nil)`: a text that is no time), or nil when not remembered.
    @inline(__always)
    private func lookup(_ text: UnsafeRawBufferPointer) -> Int64?? {
        guard text.count == length else { return nil }
        let (a, b, c, d) = Self.words(text)
        guard a == w0, b == w1, c == w2, d == w3 else { return nil }
        return .some(value)
    }

    private mutating func store(_ text: UnsafeRawBufferPointer, _ v: Int64?) {
        (w0, w1, w2, w3) = Self.words(text)
        length = text.count
        value = v
    }

    /// The text zero-padded to 32 bytes, as four words.
    @inline(__always)
    private static func words(_ text: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        let n = text.count
        if n >= 24 {
            // Three whole words and a tail.
            let a = text.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            let b = text.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = text.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            var d: UInt64 = 0
            for k in 24..<n { d |= UInt64(text[k]) << UInt64((k - 24) * 8) }
            return (a, b, c, d)
        }
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &w) { $0.copyMemory(from: text) }
        return w
    }
}
