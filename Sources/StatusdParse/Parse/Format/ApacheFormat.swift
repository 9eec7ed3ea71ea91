/// Apache `LogFormat` → `FormatTemplate`.
///
/// Takes the format as written in apache2.conf, with or without its surrounding quotes and
/// nickname (`"%h %l %u %t \"%r\" %>s %b" combined`): `\"` is a quote, `\\` a backslash, `\t` and
/// `\n` as in Apache. Every `%` directive (with its conditions `%400,501{...}i`, `%!200...`, its
/// `<`/`>` and its `{param}`) is a field. statusd reads `%>s` (the final status: counted; else
/// `%s`, else `%<s`), `%t` and `%{...}t` (strftime, `sec`, `msec`, `usec`, `begin:`/`end:`),
/// `%v`, `%V` and `%{Host}i` (host), `%r` and `%U` (path). Apache escapes `"`, `\` and control
/// bytes in what it writes (`\"`, `\\`, `\xhh`), so a backslash always starts a pair.
public enum ApacheFormat {
    /// The directive letters Apache (with mod_log_config, mod_logio) knows.
    static let letters = Set("aABbCDefhHiklLmnopPqrRsStTuUvVXIO".utf8)

    public static func compile(_ text: String) throws(FormatError) -> FormatTemplate {
        let (format, origin) = unescape(Array(text.utf8))
        var t = FormatTemplate(server: .apache, source: text)
        var literal: [UInt8] = []
        var k = 0
        // The status fields, by preference: `%>s` 0, `%s` 1, `%<s` 2 (op index, rank).
        var statuses: [(Int, Int)] = []
        while k < format.count {
            let b = format[k]
            guard b == UInt8(ascii: "%") else { literal.append(b); k += 1; continue }
            let at = origin[k]
            k += 1
            guard k < format.count else { throw FormatError("a `%` at the end of the format with no directive after it", at: at) }
            if format[k] == UInt8(ascii: "%") { literal.append(b); k += 1; continue }
            var final: Bool?
            while k < format.count, ASCII.isDigit(format[k]) || format[k] == UInt8(ascii: ",") || format[k] == UInt8(ascii: "!")
                    || format[k] == UInt8(ascii: "<") || format[k] == UInt8(ascii: ">") {
                if format[k] == UInt8(ascii: "<") { final = false }
                if format[k] == UInt8(ascii: ">") { final = true }
                k += 1
            }
            var param: [UInt8]?
            if k < format.count, format[k] == UInt8(ascii: "{") {
                guard let close = format[k...].firstIndex(of: UInt8(ascii: "}")) else {
                    throw FormatError("`%{` has no closing `}`", at: at)
                }
                param = Array(format[(k + 1)..<close])
                k = close + 1
            }
            guard k < format.count else { throw FormatError("a `%` directive with no letter at its end", at: at) }
            let letter = format[k]
            k += 1
            t.literal(literal)
            literal = []
            if letter == UInt8(ascii: "^") {
                // %{name}^ti / ^to: trailer lines.
                guard k + 1 < format.count + 0, format[k] == UInt8(ascii: "t"), format[k + 1] == UInt8(ascii: "i") || format[k + 1] == UInt8(ascii: "o") else {
                    throw FormatError("unknown Apache directive `%^` (known: `%{name}^ti`, `%{name}^to`)", at: at)
                }
                k += 2
                t.field(.opaque, mayBeEmpty: true)
                continue
            }
            guard letters.contains(letter) else {
                throw FormatError("unknown Apache log directive `%\(String(UnicodeScalar(letter)))`", at: at)
            }
            switch letter {
            case UInt8(ascii: "s"):
                statuses.append((t.ops.count, final == true ? 0 : final == false ? 2 : 1))
                t.field(.opaque)
            case UInt8(ascii: "t"):
                guard var p = param else { t.field(.time, time: .bracketedCommonLog); continue }
                for prefix in ["begin:", "end:"] where p.starts(with: Array(prefix.utf8)) { p.removeFirst(prefix.utf8.count) }
                switch String(decoding: p, as: UTF8.self) {
                case "sec": t.field(.time, time: .epochSeconds)
                case "msec": t.field(.time, time: .epochMillis)
                case "usec": t.field(.time, time: .epochMicros)
                case "msec_frac", "usec_frac": t.field(.opaque)
                default:
                    switch Strftime.compile(p) {
                    case .success(let pieces): t.field(.time, time: .strftime(pieces))
                    case .failure(let e):
                        throw FormatError("`\(e.conversion)` in `%{\(String(decoding: p, as: UTF8.self))}t` is a strftime conversion statusd cannot read back", at: at)
                    }
                }
            case UInt8(ascii: "v"), UInt8(ascii: "V"): t.field(.host, mayBeEmpty: true)
            case UInt8(ascii: "i"):
                let name = param.map { String(decoding: $0, as: UTF8.self).lowercased() }
                t.field(name == "host" ? .host : name == "x-forwarded-for" ? .list : .opaque, mayBeEmpty: true)
            case UInt8(ascii: "r"): t.field(.request, mayBeEmpty: true)
            case UInt8(ascii: "U"): t.field(.target, mayBeEmpty: true)
            default: t.field(.opaque, mayBeEmpty: true)
            }
        }
        t.literal(literal)
        guard let best = statuses.map(\.1).min() else {
            throw FormatError("the LogFormat holds no status (`%>s` or `%s`): statusd counts the status Apache sent, so the format must write it", at: 0)
        }
        for (index, rank) in statuses where rank == best { t.ops[index].role = .status }
        if let problem = t.finish() { throw FormatError(problem, at: 0) }
        return t
    }

    /// The format as Apache's config reader hands it to mod_log_config: outer quotes and a
    /// nickname removed, `\"` `\\` `\t` `\n` turned into their bytes; with each byte's offset in the text.
    static func unescape(_ src: [UInt8]) -> ([UInt8], [Int]) {
        var start = 0, end = src.count
        while start < end, src[start] == ASCII.space || src[start] == ASCII.tab { start += 1 }
        while end > start, src[end - 1] == ASCII.space || src[end - 1] == ASCII.tab || src[end - 1] == 0x0A { end -= 1 }
        if start < end, src[start] == ASCII.quote {
            // "format" [nickname]: the closing quote is the last unescaped one.
            var j = start + 1
            var close: Int?
            while j < end {
                if src[j] == ASCII.backslash { j += 2; continue }
                if src[j] == ASCII.quote { close = j }
                j += 1
            }
            if let close { start += 1; end = close }
        }
        var out: [UInt8] = []
        var origin: [Int] = []
        var i = start
        while i < end {
            if src[i] == ASCII.backslash, i + 1 < end {
                let c = src[i + 1]
                switch c {
                case ASCII.quote, ASCII.backslash: out.append(c)
                case UInt8(ascii: "t"): out.append(ASCII.tab)
                case UInt8(ascii: "n"): out.append(0x0A)
                default: out += [src[i], c]; origin.append(i)
                }
                origin.append(i)
                i += 2
                continue
            }
            out.append(src[i])
            origin.append(i)
            i += 1
        }
        return (out, origin)
    }
}

extension ApacheFormat {
    /// The formats Debian's apache2.conf defines, by their nicknames.
    public static let named = [
        "combined": #"%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#,
        "common": #"%h %l %u %t "%r" %>s %O"#,
        "vhost_combined": #"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#,
    ]
}
