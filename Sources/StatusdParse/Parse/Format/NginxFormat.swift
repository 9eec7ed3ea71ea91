/// nginx `log_format` → `FormatTemplate`.
///
/// Takes what follows the format's name in nginx.conf: either the bare format
/// (`$remote_addr - [$time_local] "$request" $status`) or the text as written there, with an
/// optional `escape=default|json|none` and one or more quoted strings
/// (`escape=json '{"status":"$status",' '"time":"$time_local"}';`), which nginx joins.
///
/// Every `$var` and `${var}` is a field; the ones statusd reads are `$status` (the status the
/// client got: counted), `$time_local`, `$time_iso8601`, `$msec` (the time), `$host`/`$http_host`,
/// `$request`/`$request_uri`/`$uri` (the path label) and `$upstream_addr` (the upstream label).
/// `$upstream_status` is not counted: it is what the upstream answered (a list when nginx tried
/// several, `502, 504 : 200`), not what the client got. Any other variable is skipped.
public enum NginxFormat {
    public enum Escape: String, Sendable, CaseIterable { case `default`, json, none }

    /// Variables nginx writes as lists (`a, b : c`), so their values hold spaces.
    static let lists: Set<String> = [
        "upstream_status", "upstream_addr", "upstream_response_time", "upstream_connect_time", "upstream_header_time",
        "upstream_bytes_received", "upstream_bytes_sent", "upstream_response_length", "http_x_forwarded_for",
        "proxy_add_x_forwarded_for", "upstream_cache_status",
    ]

    public static func compile(_ text: String, escape given: Escape? = nil) throws(FormatError) -> FormatTemplate {
        let src = Array(text.utf8)
        var i = 0
        func skipSpace() { while i < src.count, src[i] == ASCII.space || src[i] == ASCII.tab || src[i] == 0x0A || src[i] == ASCII.cr { i += 1 } }
        skipSpace()
        var escape = given ?? .default
        var pasted = false
        let key = Array("escape=".utf8)
        if src.count - i >= key.count, Array(src[i..<(i + key.count)]) == key {
            let s = i
            i += key.count
            let v = i
            while i < src.count, src[i] != ASCII.space, src[i] != ASCII.tab, src[i] != 0x0A { i += 1 }
            let value = String(decoding: src[v..<i], as: UTF8.self)
            guard let e = Escape(rawValue: value) else {
                throw FormatError("`escape=\(value)` is not one nginx knows (default, json or none)", at: s)
            }
            if let given, given != e { throw FormatError("`escape=\(value)` in the format and `escape: \(given.rawValue)` disagree", at: s) }
            escape = e
            pasted = true
            skipSpace()
        }
        // The format's bytes, with where each came from in `text`.
        var format: [UInt8] = []
        var origin: [Int] = []
        if i < src.count, src[i] == UInt8(ascii: "'") || (pasted && src[i] == ASCII.quote), let joined = unquote(src, from: i) {
            (format, origin) = joined
        } else {
            var end = src.count
            while end > i, src[end - 1] == ASCII.space || src[end - 1] == 0x0A || src[end - 1] == ASCII.tab || src[end - 1] == ASCII.cr { end -= 1 }
            format = Array(src[i..<end])
            origin = Array(i..<end)
        }
        var t = FormatTemplate(server: .nginx, source: text)
        var k = 0
        var literal: [UInt8] = []
        var sawStatus = false
        func isName(_ b: UInt8) -> Bool {
            (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || ASCII.isDigit(b) || b == UInt8(ascii: "_")
        }
        while k < format.count {
            let b = format[k]
            guard b == UInt8(ascii: "$") else { literal.append(b); k += 1; continue }
            let at = origin[k]
            var s = k + 1
            var e = s
            if s < format.count, format[s] == UInt8(ascii: "{") {
                s += 1
                e = s
                while e < format.count, isName(format[e]) { e += 1 }
                guard e < format.count, format[e] == UInt8(ascii: "}"), e > s else {
                    throw FormatError("`${` has no variable name and closing `}` after it", at: at)
                }
                k = e + 1
            } else {
                while e < format.count, isName(format[e]) { e += 1 }
                guard e > s else { throw FormatError("a `$` with no variable name after it", at: at) }
                k = e
            }
            let name = String(decoding: format[s..<e], as: UTF8.self).lowercased()
            t.literal(literal)
            literal = []
            let backslash = escape != .none
            switch name {
            case "status":
                t.field(.status, backslash: backslash)
                sawStatus = true
            case "time_local": t.field(.time, time: .commonLog)
            case "time_iso8601": t.field(.time, time: .iso8601)
            case "msec": t.field(.time, time: .epochSeconds)
            case "host", "http_host": t.field(.host, backslash: backslash, mayBeEmpty: true)
            case "request": t.field(.request, backslash: backslash, mayBeEmpty: true)
            case "request_uri", "uri", "document_uri": t.field(.target, backslash: backslash, mayBeEmpty: true)
            case "upstream_addr": t.field(.upstreamList, backslash: backslash, mayBeEmpty: true)
            default: t.field(lists.contains(name) ? .list : .opaque, backslash: backslash, mayBeEmpty: true)
            }
        }
        t.literal(literal)
        guard sawStatus else {
            throw FormatError("the log_format holds no `$status`: statusd counts the status nginx sent the client, so the format must write it", at: i)
        }
        if let problem = t.finish() { throw FormatError(problem, at: i) }
        return t
    }

    /// One or more nginx-quoted strings (`'a' "b";`), joined; nil when the text is not only that.
    static func unquote(_ src: [UInt8], from start: Int) -> ([UInt8], [Int])? {
        var out: [UInt8] = []
        var origin: [Int] = []
        var i = start
        while i < src.count {
            let q = src[i]
            if q == UInt8(ascii: ";") {
                i += 1
                while i < src.count, src[i] == ASCII.space || src[i] == 0x0A || src[i] == ASCII.tab || src[i] == ASCII.cr { i += 1 }
                return i == src.count ? (out, origin) : nil
            }
            guard q == UInt8(ascii: "'") || q == ASCII.quote else { return nil }
            i += 1
            var closed = false
            while i < src.count {
                let b = src[i]
                if b == q { closed = true; i += 1; break }
                if b == ASCII.backslash, i + 1 < src.count {
                    let c = src[i + 1]
                    switch c {
                    case ASCII.quote, UInt8(ascii: "'"), ASCII.backslash: out.append(c)
                    case UInt8(ascii: "t"): out.append(ASCII.tab)
                    case UInt8(ascii: "r"): out.append(ASCII.cr)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    default: out += [b, c]; origin.append(i)
                    }
                    origin.append(i)
                    i += 2
                    continue
                }
                out.append(b)
                origin.append(i)
                i += 1
            }
            guard closed else { return nil }
            while i < src.count, src[i] == ASCII.space || src[i] == 0x0A || src[i] == ASCII.tab || src[i] == ASCII.cr { i += 1 }
        }
        return (out, origin)
    }
}

extension NginxFormat {
    /// nginx's predefined `combined` (what `access_log path;` writes).
    public static let combined = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#
    /// Formats nginx predefines, by name.
    public static let named = ["combined": combined]
}
