/// Which access logs nginx writes, and in which format, from its configuration: `log_format`
/// (several strings joined, `escape=`), `access_log` per http/server/location (a level that names
/// none inherits its parent's; nginx's default is `logs/access.log combined`), `off`, `syslog:`.
public enum NginxDiscovery {
    /// nginx's predefined `combined`.
    public static let combined = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#

    /// - `defaultLog`: where nginx writes when no `access_log` is given (Debian's build:
    ///   `/var/log/nginx/access.log`); `prefix`: what relative paths resolve against.
    public static func discover(_ directives: [NginxDirective], defaultLog: String = "/var/log/nginx/access.log",
                                prefix: String = "/usr/share/nginx") -> [DiscoveredLog] {
        var out: [DiscoveredLog] = []
        for d in directives where d.block != nil {
            if d.name == "http" {
                out += http(d, defaultLog: defaultLog, prefix: prefix)
            } else if d.name == "stream", contains(d, "access_log") {
                out.append(DiscoveredLog(server: "nginx", path: nil, format: .none, origin: d.origin,
                                         note: "the `stream` block logs TCP/UDP sessions: they hold no HTTP status"))
            }
        }
        return out
    }

    struct Log: Equatable {
        var path: String
        var format: String
        var params: [String]
        var origin: String
    }

    static func http(_ http: NginxDirective, defaultLog: String, prefix: String) -> [DiscoveredLog] {
        var formats: [String: (value: String, origin: String)] = [:]
        collectFormats(http.block ?? [], into: &formats)
        var logs: [[Log]?] = []
        let top = own(http.block ?? []) ?? [Log(path: defaultLog, format: "combined", params: [], origin: http.origin)]
        var servers = 0
        for s in http.block ?? [] where s.name == "server" && s.block != nil {
            servers += 1
            walk(s, inherited: top, into: &logs)
        }
        if servers == 0 { logs.append(top) }
        var out: [DiscoveredLog] = []
        var seen: [Log] = []
        for list in logs {
            for l in list ?? [] where !seen.contains(where: { $0.path == l.path && $0.format == l.format }) {
                seen.append(l)
                out.append(finding(l, formats: formats, prefix: prefix))
            }
        }
        return out
    }

    /// The logs a context and every context inside it write.
    static func walk(_ d: NginxDirective, inherited: [Log], into out: inout [[Log]?]) {
        let mine = own(d.block ?? []) ?? inherited
        out.append(mine)
        for inner in d.block ?? [] where inner.block != nil && ["location", "if", "limit_except"].contains(inner.name) {
            walk(inner, inherited: mine, into: &out)
        }
    }

    /// The `access_log` directives of one context: nil when it has none (it inherits), [] for `off`.
    static func own(_ block: [NginxDirective]) -> [Log]? {
        let logs = block.filter { $0.name == "access_log" && $0.block == nil }
        if logs.isEmpty { return nil }
        var out: [Log] = []
        for l in logs {
            guard let path = l.args.first, path != "off" else { continue }
            var format = "combined"
            var params: [String] = []
            for (k, a) in l.args.dropFirst().enumerated() {
                if k == 0, !a.contains("=") && a != "gzip" { format = a } else { params.append(a) }
            }
            out.append(Log(path: path, format: format, params: params, origin: l.origin))
        }
        return out
    }

    static func collectFormats(_ block: [NginxDirective], into formats: inout [String: (value: String, origin: String)]) {
        for d in block {
            if d.name == "log_format", d.args.count >= 2 {
                var parts = Array(d.args.dropFirst())
                var escape = ""
                if let e = parts.first, e.hasPrefix("escape="), parts.count > 1 {
                    escape = e + " "
                    parts.removeFirst()
                }
                formats[d.args[0]] = (escape + parts.joined(), d.origin)
            }
        }
    }

    static func finding(_ l: Log, formats: [String: (value: String, origin: String)], prefix: String) -> DiscoveredLog {
        if l.path.hasPrefix("syslog:") {
            return DiscoveredLog(server: "nginx", path: nil, format: format(l.format, formats), origin: l.origin,
                                 note: "goes to syslog (`\(l.path)`), not to a file: statusd's syslog source is planned; "
                                    + "point your syslog daemon at a file and watch that, or add a file `access_log` beside it")
        }
        var path = l.path.hasPrefix("/") ? l.path : prefix + "/" + l.path
        var notes: [String] = []
        if path.contains("$") {
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            if dir.contains("$") {
                return DiscoveredLog(server: "nginx", path: nil, format: format(l.format, formats), origin: l.origin,
                                     note: "the path `\(l.path)` names a directory by variable: watch the files it makes with a glob of your own")
            }
            path = dir + "/" + variablesAsStars(String(path.split(separator: "/").last ?? ""))
            notes.append("one file per value of a variable in `\(l.path)`: watched as the glob below")
        }
        if l.params.contains("gzip") || l.params.contains(where: { $0.hasPrefix("gzip=") }) {
            return DiscoveredLog(server: "nginx", path: nil, format: format(l.format, formats), origin: l.origin,
                                 note: "`\(l.path)` is written gzip-compressed (`gzip`): statusd tails plain text; drop `gzip` to watch it")
        }
        if let cond = l.params.first(where: { $0.hasPrefix("if=") }) {
            notes.append("only requests where `\(cond.dropFirst(3))` holds are logged (`\(cond)`)")
        }
        let f = format(l.format, formats)
        if f == .none {
            notes.append("its format `\(l.format)` is not defined by a `log_format` in this config")
        }
        return DiscoveredLog(server: "nginx", path: path, format: f, origin: l.origin, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    static func format(_ name: String, _ formats: [String: (value: String, origin: String)]) -> DiscoveredFormat {
        guard let f = formats[name] else { return name == "combined" ? .stock(.combined) : .none }
        if f.value == combined { return .stock(.combined) }
        return .serverFormat(kind: "nginx", f.value)
    }

    static func variablesAsStars(_ s: String) -> String {
        var out = ""
        var inVar = false
        for c in s {
            if c == "$" { inVar = true; out += "*"; continue }
            if inVar, c.isLetter || c.isNumber || c == "_" || c == "{" || c == "}" { continue }
            inVar = false
            out.append(c)
        }
        return out
    }

    static func contains(_ d: NginxDirective, _ name: String) -> Bool {
        (d.block ?? []).contains { $0.name == name || contains($0, name) }
    }
}
