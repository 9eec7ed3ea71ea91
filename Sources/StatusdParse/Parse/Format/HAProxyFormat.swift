/// HAProxy `log-format` → `FormatTemplate`, and its presets by name: `httplog`, `clf` (HTTP) and
/// `tcplog`, which is refused: TCP lines hold no HTTP status, so statusd has nothing to count.
///
/// Syntax as HAProxy reads it: `%var` (the longest run of letters), `%{+Q,-E}var` (flags; `%{+Q}o`
/// sets them for every later variable), `%[sample]` (a sample fetch: skipped), a run of spaces is
/// one separator that HAProxy writes once (a variable that writes nothing leaves one space, not
/// two). statusd reads `%ST` (counted; `-1`, no response, counts as 000), `%t`/`%tr` (the accept
/// date), `%T`/`%trg`/`%Tl`/`%trl`, `%Ts`, `%r`/`%HU`/`%HP` (the path), `%b` and `%s` (the upstream).
public enum HAProxyFormat {
    public static let presets: [String: String] = [
        "httplog": "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r",
        "tcplog": "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq",
        "clf": "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl",
    ]

    static let known: Set<String> = [
        "ac", "b", "B", "bc", "bi", "bp", "bq", "ci", "cp", "CC", "CS", "f", "fc", "fi", "fp", "ft", "H", "hr", "hrl", "hs", "hsl",
        "HM", "HP", "HPO", "HQ", "HU", "HV", "ID", "lc", "ms", "pid", "r", "rc", "rt", "s", "sc", "si", "sp", "sq", "sslc", "sslv",
        "ST", "t", "T", "Ta", "Tc", "Th", "Ti", "Tl", "Tq", "TR", "Tr", "tr", "trg", "trl", "Ts", "ts", "tsc", "Tt", "Tu", "Tw", "U", "o",
    ]

    public static func compile(_ text: String) throws(FormatError) -> FormatTemplate {
        var body = text.trimmingFormatSpace
        if body == "tcplog" {
            throw FormatError("""
                `tcplog` lines hold no HTTP status, so statusd has nothing to count in them: watch the \
                HTTP frontends (`httplog`, `clf` or a log-format with `%ST`) and leave TCP-only frontends out
                """, at: 0)
        }
        if let preset = presets[body] { body = preset }
        let (format, origin) = ApacheFormat.unescape(Array(body.utf8))
        let fromPreset = presets.values.contains(body)
        func offset(_ k: Int) -> Int { fromPreset ? 0 : origin[min(k, origin.count - 1)] }
        var t = FormatTemplate(server: .haproxy, source: text)
        var literal: [UInt8] = []
        var quoteAll = false, escapeAll = false
        var sawStatus = false
        var k = 0
        while k < format.count {
            let b = format[k]
            if b == ASCII.space || b == ASCII.tab {
                t.literal(literal)
                literal = []
                while k < format.count, format[k] == ASCII.space || format[k] == ASCII.tab { k += 1 }
                t.separator()
                continue
            }
            guard b == UInt8(ascii: "%") else { literal.append(b); k += 1; continue }
            let at = offset(k)
            k += 1
            guard k < format.count else { throw FormatError("a `%` at the end of the format with no variable after it", at: at) }
            if format[k] == UInt8(ascii: "%") { literal.append(b); k += 1; continue }
            var quote = quoteAll, escape = escapeAll
            var flagsText: [UInt8]?
            if format[k] == UInt8(ascii: "{") {
                guard let close = format[k...].firstIndex(of: UInt8(ascii: "}")) else { throw FormatError("`%{` has no closing `}`", at: at) }
                flagsText = Array(format[(k + 1)..<close])
                for flag in String(decoding: format[(k + 1)..<close], as: UTF8.self).split(separator: ",") {
                    switch flag {
                    case "+Q": quote = true
                    case "-Q": quote = false
                    case "+E": escape = true
                    case "-E": escape = false
                    default: break // +X (hex), +M, ...: how the value is written, not where it ends
                    }
                }
                k = close + 1
            }
            t.literal(literal)
            literal = []
            if k < format.count, format[k] == ASCII.openBracket {
                // A sample fetch `%[src]`, `%[capture.req.hdr(0)]`: brackets may nest.
                var depth = 0
                var j = k
                while j < format.count {
                    if format[j] == ASCII.openBracket { depth += 1 }
                    if format[j] == ASCII.closeBracket { depth -= 1; if depth == 0 { break } }
                    j += 1
                }
                guard j < format.count else { throw FormatError("`%[` has no closing `]`", at: at) }
                k = j + 1
                t.field(.opaque, quoted: quote, backslash: escape, mayBeEmpty: true)
                continue
            }
            let s = k
            while k < format.count, (format[k] | 0x20) >= UInt8(ascii: "a"), (format[k] | 0x20) <= UInt8(ascii: "z") { k += 1 }
            let name = String(decoding: format[s..<k], as: UTF8.self)
            guard !name.isEmpty else { throw FormatError("a `%` with no variable name after it", at: at) }
            guard known.contains(name) else { throw FormatError("unknown HAProxy log-format variable `%\(name)`", at: at) }
            let hex = flagsText.map { String(decoding: $0, as: UTF8.self).contains("+X") } ?? false
            switch name {
            case "o":
                // `%{+Q}o`: the flags hold for every later variable.
                quoteAll = quote
                escapeAll = escape
                // `o` writes nothing: drop the separator that follows it.
                while k < format.count, format[k] == ASCII.space { k += 1 }
            case "ST":
                t.field(.status, backslash: false)
                sawStatus = true
            case "t", "tr": t.field(.time, time: .haproxyDate)
            case "T", "trg", "Tl", "trl": t.field(.time, time: .commonLog)
            case "Ts": hex ? t.field(.opaque) : t.field(.time, time: .epochSeconds)
            case "r": t.field(.request, quoted: quote, backslash: escape, mayBeEmpty: true)
            case "HU", "HP", "HPO": t.field(.target, quoted: quote, backslash: escape, mayBeEmpty: true)
            case "b", "s": t.field(.upstream, quoted: quote, backslash: escape, mayBeEmpty: true)
            case "hr", "hs", "hrl", "hsl": t.field(.captures, quoted: quote, backslash: escape, mayBeEmpty: true)
            default: t.field(.opaque, quoted: quote, backslash: escape, mayBeEmpty: true)
            }
        }
        t.literal(literal)
        guard sawStatus else {
            throw FormatError("the log-format holds no `%ST`: statusd counts the status HAProxy sent the client, so the format must write it", at: 0)
        }
        if let problem = t.finish() { throw FormatError(problem, at: 0) }
        return t
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines (no Foundation in the core).
    var trimmingFormatSpace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
