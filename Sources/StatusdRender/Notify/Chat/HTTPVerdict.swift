import StatusdParse
/// What an HTTP answer from a chat service or webhook means for the notification, decided
/// without I/O so that every case is a unit test.
///
/// 2xx: delivered. Network errors, timeouts, 408, 429 and 5xx: retry, no sooner than the
/// service asked (`Retry-After` in seconds or as an HTTP date, Discord's `retry_after` in the
/// body). 404 and 410: the hook is gone, the sink is disabled until a reload. 3xx: not followed
/// (a moved hook could hand alerts to another host); the sink is disabled until the URL is fixed,
/// keeping its notifications. Other 4xx: this notification is refused for good, and reported.
public enum HTTPVerdict: Sendable, Equatable {
    case delivered
    case retry(reason: String, after: Double?)
    case reject(reason: String)
    case disable(reason: String)

    /// The longest wait a server may ask for; longer asks are capped (and the retry happens then).
    public static let maxRetryAfter: Double = 3600

    public static func classify(status: Int, retryAfter: String?, body: [UInt8], host: String, now: Int64) -> HTTPVerdict {
        let detail = bodyDetail(body)
        let what = "HTTP \(status) from \(host)" + (detail.isEmpty ? "" : ": \(detail)")
        switch status {
        case 200..<300:
            return .delivered
        case 300..<400:
            return .disable(reason: "\(what) (a redirect, not followed: fix the sink's URL and reload)")
        case 404, 410:
            return .disable(reason: "\(what) (the webhook is gone: the sink is disabled until a reload)")
        case 408, 429, 500..<600:
            var after = retryAfter.flatMap { RetryAfter.parse($0, now: now) }
            if let discord = RetryAfter.discordBody(body) { after = max(after ?? 0, discord) }
            return .retry(reason: what, after: after.map { min($0, maxRetryAfter) })
        default:
            return .reject(reason: what)
        }
    }

    /// The first line of a short text answer (`invalid_payload`, `channel_not_found`), cleaned;
    /// nothing for HTML pages or long bodies.
    static func bodyDetail(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        if line.isEmpty || line.hasPrefix("<") { return "" }
        return String(line.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(160).map(Character.init))
    }
}

/// `Retry-After` and Discord's `retry_after`.
public enum RetryAfter {
    /// Seconds (`2`, `1.5`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`) as seconds from `now`.
    public static func parse(_ value: String, now: Int64) -> Double? {
        let v = value.trimmingSpaces()
        if let s = Double(v), s.isFinite, s >= 0 { return s }
        guard let date = httpDate(v) else { return nil }
        return Double(max(0, date - now))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
    /// and asctime (`Sun Nov  6 08:49:37 1994`), as Unix seconds.
    public static func httpDate(_ s: String) -> Int64? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "," }).map { String($0).lowercased() }
        var day: Int?, month: Int?, year: Int?, time: [Int]?
        for p in parts {
            if let m = months.firstIndex(of: String(p.prefix(3))), p.count <= 9, Int(p) == nil, month == nil, p.count == 3 { month = m + 1; continue }
            if p.contains(":") {
                let t = p.split(separator: ":").compactMap { Int($0) }
                if t.count == 3 { time = t }
                continue
            }
            if let n = Int(p) {
                if day == nil && n >= 1 && n <= 31 && p.count <= 2 { day = n } else if year == nil { year = n < 100 ? (n < 70 ? 2000 + n : 1900 + n) : n }
            }
        }
        guard let d = day, let m = month, let y = year, let t = time, t[0] < 24, t[1] < 60, t[2] < 61 else { return nil }
        return CivilTime.daysFromCivil(year: y, month: m, day: d) * 86400 + Int64(t[0] * 3600 + t[1] * 60 + t[2])
    }

    /// `{"message": "You are being rate limited.", "retry_after": 0.64, "global": false}`
    public static func discordBody(_ body: [UInt8]) -> Double? {
        let key = Array("\"retry_after\"".utf8)
        guard body.count >= key.count, let start = (0...(body.count - key.count)).first(where: { body[$0..<$0 + key.count].elementsEqual(key) })
        else { return nil }
        var i = start + key.count
        while i < body.count, body[i] == 0x20 || body[i] == 0x3A || body[i] == 0x09 { i += 1 }
        var j = i
        while j < body.count, (body[j] >= 0x30 && body[j] <= 0x39) || body[j] == 0x2E || body[j] == 0x65 || body[j] == 0x2B || body[j] == 0x2D { j += 1 }
        guard let v = Double(String(decoding: body[i..<j], as: UTF8.self)), v.isFinite, v >= 0 else { return nil }
        return v
    }
}
