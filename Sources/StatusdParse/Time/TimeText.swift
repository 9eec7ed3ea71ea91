/// Times as logs write them, read from bytes into Unix seconds: RFC 3339 / ISO 8601, epoch
/// numbers in s, ms, µs or ns (told apart by size), `"1712790000.123"`, and the common log time.
public enum TimeText {
    public static func parse(_ p: UnsafeRawBufferPointer) -> Int64? {
        guard let first = p.first else { return nil }
        if ASCII.isDigit(first) {
            if p.count >= 19, p[4] == ASCII.dash, p[7] == ASCII.dash { return rfc3339(p) }
            if p.count >= 20, p[2] == ASCII.slash { return CommonLogTime.parse(p, from: 0) }
            return epoch(p)
        }
        if first == ASCII.openBracket { return CommonLogTime.parse(p, from: 1) }
        return nil
    }

    /// `2019-12-04T21:02:31Z`, `2018-07-02T22:23:00.186641Z`, `2022-10-30T00:00:02+02:00`,
    /// `2015-01-13 00:32:17` (space instead of T, UTC).
    public static func rfc3339(_ p: UnsafeRawBufferPointer) -> Int64? {
        guard p.count >= 19 else { return nil }
        func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<at + len {
                guard ASCII.isDigit(p[k]) else { return nil }
                v = v * 10 + ASCII.digit(p[k])
            }
            return v
        }
        guard let y = num(0, 4), p[4] == ASCII.dash, let mo = num(5, 2), p[7] == ASCII.dash, let d = num(8, 2),
              p[10] == UInt8(ascii: "T") || p[10] == ASCII.space || p[10] == UInt8(ascii: "t"),
              let h = num(11, 2), p[13] == ASCII.colon, let mi = num(14, 2), p[16] == ASCII.colon, let s = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s <= 60
        else { return nil }
        var t = CivilTime.daysFromCivil(year: y, month: mo, day: d) * 86400 + Int64(h * 3600 + mi * 60 + s)
        var i = 19
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < p.count, ASCII.isDigit(p[i]) { i += 1 }
        }
        if i < p.count, p[i] == ASCII.plus || p[i] == ASCII.dash, i + 5 < p.count + 0, let zh = num(i + 1, 2) {
            let zm = (i + 5 < p.count && p[i + 3] == ASCII.colon) ? (num(i + 4, 2) ?? 0) : (num(i + 3, 2) ?? 0)
            let off = Int64(zh * 3600 + zm * 60)
            t += p[i] == ASCII.plus ? -off : off
        }
        return t
    }

    /// Digits with an optional fraction; seconds, ms, µs or ns by magnitude.
    public static func epoch(_ p: UnsafeRawBufferPointer) -> Int64? {
        var whole: Int64 = 0
        var digits = 0
        var i = 0
        while i < p.count, ASCII.isDigit(p[i]) {
            whole = whole &* 10 &+ Int64(ASCII.digit(p[i]))
            digits += 1
            i += 1
            if digits > 19 { return nil }
        }
        guard digits > 0 else { return nil }
        if i < p.count, p[i] != UInt8(ascii: ".") { return nil }
        return fromEpoch(whole)
    }

    /// Seconds from an epoch number in s, ms, µs or ns.
    public static func fromEpoch(_ v: Int64) -> Int64 {
        if v >= 100_000_000_000_000_000 { return v / 1_000_000_000 }
        if v >= 100_000_000_000_000 { return v / 1_000_000 }
        if v >= 100_000_000_000 { return v / 1000 }
        return v
    }

    public static func parse(_ s: String) -> Int64? {
        var copy = s
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}

/// Reading numbers and three-digit statuses from bytes.
enum Digits {
    /// A status: exactly three digits (`000`..`999`), or `-1` (HAProxy: no response), read as 000.
    static func status(_ p: UnsafeRawBufferPointer) -> StatusCode? {
        if p.count == 2, p[0] == ASCII.dash, p[1] == UInt8(ascii: "1") { return .noResponse }
        guard p.count == 3, ASCII.isDigit(p[0]), ASCII.isDigit(p[1]), ASCII.isDigit(p[2]) else {
            // JSON numbers: 0 from Cloudflare's OriginResponseStatus when the origin sent nothing.
            if p.count == 1, p[0] == ASCII.zero { return .noResponse }
            return nil
        }
        return StatusCode(unchecked: UInt16(ASCII.digit(p[0]) * 100 + ASCII.digit(p[1]) * 10 + ASCII.digit(p[2])))
    }
}
