import StatusdParse
/// Which access logs Apache httpd writes, and in which format, from its configuration tree:
/// `LogFormat "..." nickname`, `CustomLog path nickname|"format"`, `TransferLog`, `${VAR}` from
/// the environment (Debian: /etc/apache2/envvars), `Include` / `IncludeOptional` globs relative
/// to `ServerRoot`, and virtual hosts whose own `CustomLog` replaces the main server's.
public enum ApacheDiscovery {
    /// Formats statusd's combined parser reads as they are (Debian's apache2.conf writes `%O`).
    static let stock: [(String, LogFormat)] = [
        (#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#, .combined),
        (#"%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#, .combined),
        (#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#, .combined),
        (#"%v:%p %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#, .combined),
        (#"%h %l %u %t "%r" %>s %b"#, .common),
        (#"%h %l %u %t "%r" %>s %O"#, .common),
    ]
    /// Apache's built-in default for `TransferLog` and a `CustomLog` without a format.
    static let builtinDefault = #"%h %l %u %t "%r" %>s %b"#

    struct Line {
        var words: [String]
        var origin: String
    }

    /// - `env`: the values of `${VAR}`; `serverRoot`: what relative paths resolve against.
    public static func discover(mainPath: String, files: ConfigFiles, serverRoot: String, env: [String: String]) -> [DiscoveredLog] {
        var lines: [Line] = []
        var root = serverRoot
        read(mainPath, files: files, root: &root, env: env, depth: 0, into: &lines)
        var formats: [String: String] = [:]
        var defaultFormat = builtinDefault
        var main: [(Line, String)] = []
        var hosts: [[(Line, String)]] = []
        var inHost = false
        var hostLogs: [(Line, String)] = []
        for l in lines {
            let name = l.words[0].lowercased()
            if name == "<virtualhost" { inHost = true; hostLogs = []; continue }
            if name == "</virtualhost>" { inHost = false; hosts.append(hostLogs); continue }
            switch name {
            case "logformat" where l.words.count >= 2:
                if l.words.count >= 3 { formats[l.words[2]] = l.words[1] } else { defaultFormat = l.words[1] }
            case "customlog" where l.words.count >= 2:
                let f = l.words.count >= 3 ? l.words[2] : defaultFormat
                if inHost { hostLogs.append((l, f)) } else { main.append((l, f)) }
            case "transferlog" where l.words.count >= 2:
                if inHost { hostLogs.append((l, defaultFormat)) } else { main.append((l, defaultFormat)) }
            default: break
            }
        }
        // The main server's logs take the requests of every virtual host without a CustomLog of its
        // own, and of addresses no virtual host listens on: kept even when every host has its own
        // (an idle file costs nothing; a missed one hides traffic).
        var all = main
        for h in hosts { all += h }
        var out: [DiscoveredLog] = []
        for (l, f) in all {
            let target = l.words[1]
            let value = formats[f] ?? f
            let format = formatOf(value)
            if target.hasPrefix("|") {
                out.append(DiscoveredLog(server: "apache", path: nil, format: format, origin: l.origin,
                                         note: "goes to a program (`\(target)`), not to a file: watch the file that program writes"))
                continue
            }
            let path = target.hasPrefix("/") ? target : root + "/" + target
            if out.contains(where: { $0.path == path && $0.format == format }) { continue }
            var note: String?
            if l.words.count >= 4 { note = "only some requests are logged (`\(l.words[3...].joined(separator: " "))`)" }
            if path.contains("${") { note = "`\(target)` names a variable not set in the environment statusd read" }
            out.append(DiscoveredLog(server: "apache", path: path, format: format, origin: l.origin, note: note))
        }
        return out
    }

    static func formatOf(_ value: String) -> DiscoveredFormat {
        if let s = stock.first(where: { $0.0 == value }) { return .stock(s.1) }
        return .serverFormat(kind: "apache", value)
    }

    static func read(_ path: String, files: ConfigFiles, root: inout String, env: [String: String], depth: Int, into lines: inout [Line]) {
        guard depth < 16 else { return }
        for f in files.load(path) {
            var pending = ""
            var startLine = 0
            for (k, raw) in f.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var text = Substring(raw)
                if text.hasSuffix("\r") { text = text.dropLast() }
                if pending.isEmpty { startLine = k + 1 }
                if text.hasSuffix("\\") { pending += text.dropLast(); continue }
                let whole = substitute(pending + text, env)
                pending = ""
                let words = split(whole)
                guard let first = words.first, !first.hasPrefix("#") else { continue }
                let name = first.lowercased()
                if name == "serverroot", words.count >= 2 { root = words[1] }
                if name == "include" || name == "includeoptional", words.count >= 2 {
                    let p = words[1].hasPrefix("/") ? words[1] : root + "/" + words[1]
                    read(p, files: files, root: &root, env: env, depth: depth + 1, into: &lines)
                    continue
                }
                var ws = words
                if ws[0].hasSuffix(">"), ws[0].hasPrefix("<"), ws[0] != "</VirtualHost>", ws[0].lowercased() != "</virtualhost>" { ws[0].removeLast() }
                lines.append(Line(words: ws, origin: "\(f.path):\(startLine)"))
            }
        }
    }

    /// `${VAR}` from `env`; an unknown one is left as written.
    static func substitute(_ s: String, _ env: [String: String]) -> String {
        guard s.contains("${") else { return s }
        var out = ""
        var rest = Substring(s)
        while let r = rest.firstRange(of: "${") {
            out += rest[..<r.lowerBound]
            let after = rest[r.upperBound...]
            guard let close = after.firstIndex(of: "}") else { out += rest[r.lowerBound...]; return out }
            let name = String(after[..<close])
            out += env[name] ?? "${\(name)}"
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    /// Apache's words: space separated, `"..."` or `'...'` quoted with `\"` for a quote inside.
    static func split(_ s: String) -> [String] {
        var out: [String] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            while i < b.count, b[i] == 32 || b[i] == 9 { i += 1 }
            guard i < b.count else { break }
            var w: [UInt8] = []
            if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                let q = b[i]
                i += 1
                while i < b.count, b[i] != q {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count, b[i + 1] == q { w.append(q); i += 2; continue }
                    w.append(b[i])
                    i += 1
                }
                i += 1
            } else {
                while i < b.count, b[i] != 32, b[i] != 9 { w.append(b[i]); i += 1 }
            }
            out.append(String(decoding: w, as: UTF8.self))
        }
        return out
    }

    /// `export NAME=value` lines of Debian's /etc/apache2/envvars (`$SUFFIX` and other shell
    /// expansions of earlier names resolved; unknown ones empty, as the shell would).
    public static func envvars(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            var line = raw.drop(while: { $0 == " " || $0 == "\t" })
            guard line.hasPrefix("export ") else { continue }
            line = line.dropFirst(7)
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<eq])
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            if value.hasPrefix("$(") { continue }
            var expanded = ""
            var it = Substring(value)
            while let d = it.firstIndex(of: "$") {
                expanded += it[..<d]
                var n = it[it.index(after: d)...]
                let braced = n.first == "{"
                if braced { n = n.dropFirst() }
                let v = n.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
                expanded += env[String(v)] ?? ""
                it = n[v.endIndex...]
                if braced, it.first == "}" { it = it.dropFirst() }
            }
            env[name] = expanded + it
        }
        return env
    }
}
