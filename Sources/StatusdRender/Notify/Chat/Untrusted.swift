/// Text that may come from a log line or a host (rule groups such as virtual hosts or paths, host
/// names, input names): made harmless for each destination before it is put in a message.
///
/// `clean` is applied first, for every destination: control and bidirectional-override
/// characters go, long values are cut, and mentions and bare links are broken with a zero-width
/// space (`@​channel`, `<​users/all>`, `https:​//`, `]​(`), which no chat service parses as markup and a
/// reader still reads. Then each destination escapes its own syntax.
public enum Untrusted {
    /// Zero-width space: breaks `@here`, `<!channel>`, `<users/all>` and autolinks without hiding text.
    public static let breaker: Character = "\u{200B}"
    /// The longest untrusted value a message shows (characters).
    public static let maxValue = 200

    public static func clean(_ s: String, max: Int = maxValue) -> String {
        var out = ""
        var count = 0
        var previous: Character = " "
        for c in s {
            if count >= max { out += "…"; break }
            guard let first = c.unicodeScalars.first else { continue }
            let v = first.value
            let control = v < 0x20 || (v >= 0x7F && v < 0xA0) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x200E || v == 0x200F || v == 0x061C || v == 0xFEFF
            if control { out += "\u{FFFD}"; count += 1; previous = c; continue }
            // Mentions (`@here`, `@channel`, `@everyone`, `@user`) need a letter after `@`.
            if previous == "@" || previous == "＠" || previous == "﹫", c.isLetter || c == "_" { out.append(breaker) }
            out.append(c)
            count += 1
            // After `<` (Slack/Mattermost/Google Chat/Teams markup) a zero-width space; also
            // between `:` and `//` (autolinks) and between `]` and `(` (Markdown links).
            if c == "<" { out.append(breaker) }
            if c == "/", previous == ":" { out.insert(breaker, at: out.index(before: out.endIndex)) }
            // Markdown links `[text](url)`: `](` broken.
            if c == "(", previous == "]" { out.insert(breaker, at: out.index(before: out.endIndex)) }
            previous = c
        }
        return out
    }

    /// Slack mrkdwn and plain text: exactly `&`, `<`, `>` escaped (Slack's documented rule).
    public static func slack(_ s: String) -> String { entities(s, quotes: false) }

    /// Mattermost: Slack's escaping plus Markdown punctuation backslash-escaped.
    public static func mattermost(_ s: String) -> String {
        markdown(slack(s), specials: "\\`*_~#|[]()!-+>")
    }

    /// Discord Markdown: punctuation backslash-escaped, `<` too (mentions, custom emoji, timestamps).
    public static func discord(_ s: String) -> String {
        markdown(s, specials: "\\`*_~|>#[]()<")
    }

    /// Google Chat card text (a small HTML subset): `&`, `<`, `>`, `"` as entities.
    public static func html(_ s: String) -> String { entities(s, quotes: true) }

    /// `&`, `<`, `>` (and `"` when `quotes`) as HTML entities.
    static func entities(_ s: String, quotes: Bool) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Google Chat plain `text`: no escape exists; formatting characters get a zero-width space
    /// before them so they pair with nothing, and `<` is already broken by `clean`.
    public static func googleText(_ s: String) -> String {
        var out = ""
        for c in s {
            if "*_~`".contains(c) { out.append(breaker) }
            out.append(c)
        }
        return out
    }

    /// Teams `TextRun`s show text without Markdown; `clean` broke `<at>`, and no mention entities are sent.
    public static func teams(_ s: String) -> String { s }

    static func markdown(_ s: String, specials: String) -> String {
        var out = ""
        for c in s {
            if specials.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

/// Cutting text to a service's limit without failing and without breaking a character or markup.
public enum Trim {
    /// At most `max` UTF-16 code units (what JavaScript-based services count), ending in `…` when cut.
    public static func utf16(_ s: String, _ max: Int) -> String {
        guard s.utf16.count > max else { return s }
        return cut(s, max, ellipsis: 1) { $0.utf16.count }
    }

    /// At most `max` UTF-8 bytes, ending in `…` when cut.
    public static func utf8(_ s: String, _ max: Int) -> String {
        guard s.utf8.count > max else { return s }
        return cut(s, max, ellipsis: 3) { $0.utf8.count }
    }

    /// Whole characters up to `max` units of `width`, leaving room for the `…` (`ellipsis` units).
    private static func cut(_ s: String, _ max: Int, ellipsis: Int, width: (Character) -> Int) -> String {
        var out = ""
        var n = 0
        for c in s {
            let w = width(c)
            if n + w > max - ellipsis { break }
            out.append(c)
            n += w
        }
        return dropOpenMarkup(out) + "…"
    }

    /// A cut inside `<...>` or `&...;` drops the unfinished part.
    static func dropOpenMarkup(_ s: String) -> String {
        var s = s
        if let lt = s.lastIndex(of: "<"), s[lt...].firstIndex(of: ">") == nil { s = String(s[..<lt]) }
        if let amp = s.lastIndex(of: "&"), s[amp...].firstIndex(of: ";") == nil, s.distance(from: amp, to: s.endIndex) < 8 {
            s = String(s[..<amp])
        }
        if s.hasSuffix("\\") { s.removeLast() }
        return s
    }
}
