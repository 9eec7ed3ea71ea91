/// Makes text that came from outside statusd (silence reasons and groups, file paths, names from
/// the config, errors from peers) safe to print on a terminal or write to a log.
///
/// Whoever can write a silence, name a file or answer a webhook must not be able to move the
/// cursor, retitle the operator's terminal, forge a status or log line, or reverse what a reader
/// sees. So every C0 and C1 control character, DEL, the line and paragraph separators and the
/// bidirectional formatting characters are shown escaped (`\x1b`, `\u{202E}`), never passed on
/// and never silently dropped: the reader sees that something was there.
public enum SafeText {
    /// One field: everything above escaped, newlines and tabs included.
    public static func field(_ text: String) -> String { clean(text, keepNewlines: false) }

    /// Text of several lines statusd composed itself: newlines kept, everything else escaped.
    public static func lines(_ text: String) -> String { clean(text, keepNewlines: true) }

    /// A JSON document: what JSON leaves raw inside strings (DEL, C1, bidi) escaped as `\uXXXX`,
    /// so the document stays valid JSON; the white space between tokens kept.
    public static func json(_ text: String) -> String {
        let keep: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !keep.contains($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if !needsEscape(s) || keep.contains(s) { out.append(s); continue }
            let hex = String(s.value, radix: 16)
            out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
        }
        return String(out)
    }

    /// Whether `scalar` is shown escaped.
    @inline(__always)
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || v == 0x7F { return true }           // C0, DEL
        if v < 0x80 { return false }                       // the rest of ASCII: the common case
        if v <= 0x9F { return true }                       // C1 (CSI, NEL, ...)
        switch v {
        case 0x061C,                                       // Arabic letter mark
             0x200E, 0x200F,                               // left-to-right / right-to-left marks
             0x2028, 0x2029,                               // line and paragraph separators
             0x202A...0x202E,                              // embeddings and overrides
             0x2066...0x2069,                              // isolates
             0xFEFF:                                       // zero-width no-break space (BOM)
            return true
        default:
            return false
        }
    }

    static func clean(_ text: String, keepNewlines: Bool) -> String {
        // Most text needs nothing: return it without copying.
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !(keepNewlines && $0 == "\n") }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if !needsEscape(s) || (keepNewlines && s == "\n") {
                out.append(s)
                continue
            }
            out.append(contentsOf: escape(s).unicodeScalars)
        }
        return String(out)
    }

    /// `\x1b` for one byte's worth, `\u{202E}` above.
    static func escape(_ s: Unicode.Scalar) -> String {
        let hex = "0123456789abcdef"
        let digits = Array(hex)
        if s.value < 0x100 {
            return "\\x" + String(digits[Int(s.value >> 4)]) + String(digits[Int(s.value & 0xF)])
        }
        return "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
    }
}
