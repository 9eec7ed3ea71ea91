#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of Docker's json-file driver: `{"log":"<text>\n","stream":"stdout","time":"<RFC 3339>"}`
/// (Docker writes the keys in that order, with `attrs` between when labels are logged; any order is
/// read). `log` ends with `\n` unless Docker split a long line (16 KiB parts): then the next records
/// of the stream continue it.
struct DockerRecord {
    /// The escaped bytes of `log`, between its quotes.
    var log: Range<Int>
    /// `log` holds a backslash besides its final `\n`: it must be unescaped.
    var escaped: Bool
    var partial: Bool
    var stream: ContainerStream
    var time: Range<Int>?

    static func read(_ p: UnsafeRawBufferPointer) -> DockerRecord? {
        let n = p.count
        var i = skipSpace(p, 0)
        guard i < n, p[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var log: Range<Int>?, stream = ContainerStream.stdout, time: Range<Int>?
        while true {
            i = skipSpace(p, i)
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: "}") { break }
            guard p[i] == ASCII.quote, let key = string(p, i) else { return nil }
            i = skipSpace(p, key.upperBound + 1)
            guard i < n, p[i] == ASCII.colon else { return nil }
            i = skipSpace(p, i + 1)
            guard i < n else { return nil }
            if p[i] == ASCII.quote {
                guard let value = string(p, i) else { return nil }
                switch key.count {
                case 3 where named(p, key, "log"): log = value
                case 4 where named(p, key, "time"): time = value
                case 6 where named(p, key, "stream"): stream = named(p, value, "stderr") ? .stderr : .stdout
                default: break
                }
                i = value.upperBound + 1
            } else {
                guard let end = skipValue(p, i) else { return nil }
                i = end
            }
            i = skipSpace(p, i)
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            guard p[i] == UInt8(ascii: "}") else { return nil }
            break
        }
        guard let log else { return nil }
        // A whole line ends with the two bytes `\n`.
        let whole = log.count >= 2 && p[log.upperBound - 2] == ASCII.backslash && p[log.upperBound - 1] == UInt8(ascii: "n")
            && !escapedAt(p, log.upperBound - 2, from: log.lowerBound)
        let text = whole ? log.lowerBound..<(log.upperBound - 2) : log
        var escaped = false
        if let base = p.baseAddress, !text.isEmpty { escaped = memchr(base + text.lowerBound, Int32(ASCII.backslash), text.count) != nil }
        return DockerRecord(log: text, escaped: escaped, partial: !whole, stream: stream, time: time)
    }

    /// The bytes between the quote at `at` and its closing quote.
    private static func string(_ p: UnsafeRawBufferPointer, _ at: Int) -> Range<Int>? {
        guard let base = p.baseAddress else { return nil }
        var i = at + 1
        while i < p.count {
            guard let hit = memchr(base + i, Int32(ASCII.quote), p.count - i) else { return nil }
            let q = UnsafeRawPointer(hit) - base
            if !escapedAt(p, q, from: at + 1) { return (at + 1)..<q }
            i = q + 1
        }
        return nil
    }

    /// Whether the byte at `i` is escaped: an odd run of backslashes before it.
    private static func escapedAt(_ p: UnsafeRawBufferPointer, _ i: Int, from start: Int) -> Bool {
        var k = i - 1, run = 0
        while k >= start, p[k] == ASCII.backslash { run += 1; k -= 1 }
        return run & 1 == 1
    }

    /// Past a number, literal, object or array starting at `at`.
    private static func skipValue(_ p: UnsafeRawBufferPointer, _ at: Int) -> Int? {
        var i = at, depth = 0
        while i < p.count {
            switch p[i] {
            case ASCII.quote:
                guard let s = string(p, i) else { return nil }
                i = s.upperBound
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return i }
                depth -= 1
                if depth == 0 { return i + 1 }
            case UInt8(ascii: ","): if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    private static func skipSpace(_ p: UnsafeRawBufferPointer, _ at: Int) -> Int {
        var i = at
        while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab { i += 1 }
        return i
    }

    private static func named(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ w: StaticString) -> Bool {
        guard r.count == w.utf8CodeUnitCount else { return false }
        let s = w.utf8Start
        for k in 0..<r.count where p[r.lowerBound + k] != s[k] { return false }
        return true
    }

    /// Appends the JSON string bytes `r` unescaped to `out`, up to `limit` bytes in all; false if cut.
    static func unescape(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, into out: inout [UInt8], limit: Int) -> Bool {
        var i = r.lowerBound
        func put(_ b: UInt8) -> Bool {
            guard out.count < limit else { return false }
            out.append(b)
            return true
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= r.upperBound else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let b = p[k]
                let d: UInt8
                switch b {
                case ASCII.zero...ASCII.nine: d = b - ASCII.zero
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < r.upperBound {
            // The plain bytes up to the next backslash, in one copy.
            let hit = memchr(p.baseAddress! + i, Int32(ASCII.backslash), r.upperBound - i)
            let plainEnd = hit.map { UnsafeRawPointer($0) - p.baseAddress! } ?? r.upperBound
            if plainEnd > i {
                guard out.count + (plainEnd - i) <= limit else { return false }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i..<plainEnd]))
                i = plainEnd
                continue
            }
            guard i + 1 < r.upperBound else {
                guard put(ASCII.backslash) else { return false }
                i += 1
                continue
            }
            let e = p[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): guard put(0x0A) else { return false }
            case UInt8(ascii: "t"): guard put(0x09) else { return false }
            case UInt8(ascii: "r"): guard put(0x0D) else { return false }
            case UInt8(ascii: "b"): guard put(0x08) else { return false }
            case UInt8(ascii: "f"): guard put(0x0C) else { return false }
            case UInt8(ascii: "u"):
                guard var c = hex4(i) else { guard put(ASCII.backslash), put(e) else { return false }; continue }
                i += 4
                if (0xD800..<0xDC00).contains(c), i + 6 <= r.upperBound, p[i] == ASCII.backslash, p[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(i + 2), (0xDC00..<0xE000).contains(low) {
                    c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                if (0xD800..<0xE000).contains(c) { c = 0xFFFD }  // a lone surrogate
                guard utf8(c, put) else { return false }
            default: guard put(e) else { return false }  // \" \\ \/ and anything else: the byte itself
            }
        }
        return true
    }

    private static func utf8(_ c: UInt32, _ put: (UInt8) -> Bool) -> Bool {
        switch c {
        case ..<0x80: return put(UInt8(c))
        case ..<0x800: return put(UInt8(0xC0 | c >> 6)) && put(UInt8(0x80 | c & 0x3F))
        case ..<0x10000: return put(UInt8(0xE0 | c >> 12)) && put(UInt8(0x80 | c >> 6 & 0x3F)) && put(UInt8(0x80 | c & 0x3F))
        default:
            return put(UInt8(0xF0 | c >> 18)) && put(UInt8(0x80 | c >> 12 & 0x3F)) && put(UInt8(0x80 | c >> 6 & 0x3F))
                && put(UInt8(0x80 | c & 0x3F))
        }
    }
}
