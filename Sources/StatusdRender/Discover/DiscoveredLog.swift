import StatusdParse
/// One access log a web server on this host writes, as its own configuration says, or a note on
/// one it writes somewhere statusd cannot read (syslog, a pipe, a TCP-mode proxy).
///
/// `statusd discover` turns these into a config: a finding with a `path` becomes an input, a
/// finding without one becomes a comment saying why it was left out.
public struct DiscoveredLog: Sendable, Equatable {
    /// `nginx`, `apache`, `haproxy`.
    public var server: String
    /// The file written, absolute; nil when the lines do not go to a file.
    public var path: String?
    public var format: DiscoveredFormat
    /// `FILE:LINE` of the directive that says so.
    public var origin: String
    /// Why the log is not an input, or what to know about it.
    public var note: String?

    public init(server: String, path: String?, format: DiscoveredFormat, origin: String, note: String? = nil) {
        self.server = server
        self.path = path
        self.format = format
        self.origin = origin
        self.note = note
    }
}

/// How statusd reads a discovered log.
public enum DiscoveredFormat: Sendable, Equatable {
    /// A format statusd reads by name (`combined`, `common`, `haproxy`).
    case stock(LogFormat)
    /// The server's own format string: `format: KIND` with `log_format: STRING` (KIND is
    /// `nginx`, `apache` or `haproxy`).
    case custom(kind: String, logFormat: String)
    /// Nothing statusd can count (a TCP proxy's log, a format unknown to the config).
    case none

    /// The YAML lines (`format:` and `log_format:`) for an input.
    public var yamlLines: [String] {
        switch self {
        case .stock(let f): return ["format: \(f.rawValue)"]
        case .custom(let kind, let s): return ["format: \(kind)", "log_format: \(YAMLText.singleQuoted(s))"]
        case .none: return []
        }
    }
}

/// Text for YAML scalars written by statusd.
public enum YAMLText {
    /// `'...'` with `'` doubled: YAML's only escape in single quotes. Control characters (a format
    /// string holding a tab or newline) are written as a double-quoted scalar (JSON's escapes, which
    /// YAML reads) instead.
    public static func singleQuoted(_ s: String) -> String {
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            // A JSON string is a YAML double-quoted scalar, escapes and all.
            var out = ""
            JSONValue.quote(s, into: &out)
            return out
        }
        var out = "'"
        for c in s { out += c == "'" ? "''" : String(c) }
        return out + "'"
    }
}

/// Shell-style name patterns (`*`, `?`, `[...]`) for include directives, where `*` does not cross `/`.
public enum GlobMatch {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.utf8), 0, Array(path.utf8), 0)
    }

    public static func hasMagic(_ pattern: String) -> Bool {
        pattern.contains("*") || pattern.contains("?") || pattern.contains("[")
    }

    private static func match(_ p: [UInt8], _ pi: Int, _ s: [UInt8], _ si: Int) -> Bool {
        if pi == p.count { return si == s.count }
        switch p[pi] {
        case UInt8(ascii: "*"):
            var k = si
            while true {
                if match(p, pi + 1, s, k) { return true }
                if k == s.count || s[k] == UInt8(ascii: "/") { return false }
                k += 1
            }
        case UInt8(ascii: "?"):
            return si < s.count && s[si] != UInt8(ascii: "/") && match(p, pi + 1, s, si + 1)
        case UInt8(ascii: "["):
            guard let close = p[(pi + 1)...].firstIndex(of: UInt8(ascii: "]")), si < s.count else {
                return si < s.count && s[si] == p[pi] && match(p, pi + 1, s, si + 1)
            }
            var set = Array(p[(pi + 1)..<close])
            let negate = set.first == UInt8(ascii: "!") || set.first == UInt8(ascii: "^")
            if negate { set.removeFirst() }
            var hit = false
            var k = 0
            while k < set.count {
                if k + 2 < set.count, set[k + 1] == UInt8(ascii: "-") {
                    if s[si] >= set[k] && s[si] <= set[k + 2] { hit = true }
                    k += 3
                } else {
                    if s[si] == set[k] { hit = true }
                    k += 1
                }
            }
            return hit != negate && match(p, close + 1, s, si + 1)
        default:
            return si < s.count && s[si] == p[pi] && match(p, pi + 1, s, si + 1)
        }
    }
}

/// The configuration files a server reads, found by the shell (on disk, or in `nginx -T`'s dump):
/// the core asks for an include pattern and gets the matching files, sorted, with their text.
public struct ConfigFiles: Sendable {
    public var load: @Sendable (_ pattern: String) -> [(path: String, text: String)]

    public init(load: @escaping @Sendable (_ pattern: String) -> [(path: String, text: String)]) {
        self.load = load
    }

    /// Files held in memory (tests, and the files of `nginx -T`'s dump).
    public static func inMemory(_ files: [String: String]) -> ConfigFiles {
        ConfigFiles { pattern in
            files.keys.filter { GlobMatch.hasMagic(pattern) ? GlobMatch.matches(pattern, $0) : $0 == pattern }.sorted().map { ($0, files[$0]!) }
        }
    }
}

extension DiscoveredFormat {
    /// A custom format as `log_format:` text the compiler reads back to exactly the bytes the server
    /// writes. `value` is the format as the server holds it after reading its config (nginx: the
    /// strings joined, `escape=X ` in front; Apache: the LogFormat string with `\"` unescaped;
    /// HAProxy: the log-format with its quoting and `\` escapes resolved).
    ///
    /// Written bare where that is unambiguous. The compilers also take the text as pasted from the
    /// server's config (nginx `'...'` strings, Apache's and HAProxy's `"..."` with `\"`), so a bare
    /// format that starts with a quote would be read as such a pasted string and lose its quotes
    /// (`"%{X-Forwarded-For}i" %h ... %>s %b`): those are written quoted, with escapes, instead.
    public static func serverFormat(kind: String, _ value: String) -> DiscoveredFormat {
        switch kind {
        case "nginx":
            var prefix = "", body = Substring(value)
            if value.hasPrefix("escape="), let sp = value.firstIndex(of: " ") {
                prefix = String(value[...sp])
                body = value[value.index(after: sp)...]
            }
            // The compiler reads `'...'` as quoted always, `"..."` only after `escape=` (as pasted).
            if body.hasPrefix("'") || (!prefix.isEmpty && body.hasPrefix("\"")) {
                body = "'" + escaped(body, ["\\", "'"]) + "'"
            }
            return .custom(kind: kind, logFormat: prefix + body)
        case "apache":
            // Apache's reader resolved only `\"`; other backslashes are still mod_log_config's.
            guard value.hasPrefix("\"") else { return .custom(kind: kind, logFormat: value) }
            return .custom(kind: kind, logFormat: "\"" + escaped(value, ["\""]) + "\"")
        default:
            guard value.hasPrefix("\"") || value.contains("\\") else { return .custom(kind: kind, logFormat: value) }
            return .custom(kind: kind, logFormat: "\"" + escaped(value, ["\\", "\""]) + "\"")
        }
    }

    /// `text` with a backslash before each of `special` (the core does without Foundation).
    static func escaped(_ text: some StringProtocol, _ special: Set<Character>) -> String {
        var out = ""
        for c in text {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
