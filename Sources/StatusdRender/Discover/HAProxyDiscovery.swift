/// Which frontends HAProxy logs, in which format, and where the lines end up. HAProxy sends its
/// logs to syslog, so the file is the syslog daemon's (`syslogFile`, e.g. rsyslog's
/// /var/log/haproxy.log on Debian); without one the findings say so.
///
/// Per `frontend` / `listen` (inheriting the last `defaults` before it): `mode http|tcp`,
/// `option httplog [clf]`, `option httpslog`, `option tcplog`, `log-format`, `log` / `log global` /
/// `no log`. TCP frontends hold no HTTP status and are left out with a note.
public enum HAProxyDiscovery {
    struct Section {
        var mode = "tcp"
        var format: DiscoveredFormat?
        var formatWhat = ""
        var logs = false
        var noLog = false
        /// The `log` targets (`global` stands for the global section's).
        var targets: [String] = []
    }

    public static func discover(_ text: String, file: String, syslogFile: String?) -> [DiscoveredLog] {
        var globalLogs: [String] = []
        var defaults = Section()
        var current: (kind: String, name: String, origin: String, section: Section)?
        var out: [DiscoveredLog] = []

        func finish() {
            guard let c = current else { return }
            if c.kind == "defaults" { defaults = c.section }
            if c.kind == "frontend" || c.kind == "listen" { out.append(finding(c.name, c.origin, c.section, globalLogs, syslogFile)) }
            current = nil
        }

        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = split(String(raw))
            guard let first = words.first else { continue }
            let origin = "\(file):\(k + 1)"
            switch first {
            case "global":
                finish()
                current = ("global", "", origin, Section())
                continue
            case "defaults", "frontend", "listen", "backend", "peers", "resolvers", "userlist", "program", "http-errors", "ring", "cache", "mailers":
                finish()
                let base = first == "frontend" || first == "listen" ? defaults : Section()
                current = (first, words.count > 1 ? words[1] : "", origin, base)
                continue
            default: break
            }
            guard var c = current else { continue }
            if c.kind == "global" {
                if first == "log", words.count >= 2 { globalLogs.append(words[1]) }
                continue
            }
            switch first {
            case "mode" where words.count >= 2:
                c.section.mode = words[1]
            case "option" where words.count >= 2:
                switch words[1] {
                case "httplog":
                    c.section.format = words.count >= 3 && words[2] == "clf" ? .custom(kind: "haproxy", logFormat: "clf") : .stock(.haproxy)
                    c.section.formatWhat = words.count >= 3 ? "option httplog clf" : "option httplog"
                case "httpslog":
                    c.section.format = .stock(.haproxy)
                    c.section.formatWhat = "option httpslog"
                case "tcplog":
                    c.section.format = DiscoveredFormat.none
                    c.section.formatWhat = "option tcplog"
                default: break
                }
            case "log-format" where words.count >= 2:
                let f = words[1...].joined(separator: " ")
                c.section.format = .serverFormat(kind: "haproxy", f)
                c.section.formatWhat = "log-format"
            case "log":
                if words.count >= 2 {
                    // A section's own `log` lines replace the ones it inherited from `defaults`.
                    if !c.section.logs || c.section.targets == defaults.targets { c.section.targets = [] }
                    c.section.logs = true
                    c.section.noLog = false
                    c.section.targets.append(words[1])
                }
            case "no" where words.count >= 2 && words[1] == "log":
                c.section.noLog = true
            default: break
            }
            current = c
        }
        finish()
        return out
    }

    static func finding(_ name: String, _ origin: String, _ s: Section, _ global: [String], _ syslogFile: String?) -> DiscoveredLog {
        func skip(_ why: String) -> DiscoveredLog {
            DiscoveredLog(server: "haproxy", path: nil, format: .none, origin: origin, note: "frontend `\(name)`: \(why)")
        }
        if s.noLog || !s.logs { return skip("logs nothing (no `log` line)") }
        if s.mode == "tcp" || s.formatWhat == "option tcplog" {
            return skip("TCP mode (`\(s.formatWhat.isEmpty ? "mode tcp" : s.formatWhat)`): its lines hold no HTTP status, so it is not watched (format: haproxy counts only HTTP lines in a shared file)")
        }
        guard let format = s.format else {
            return skip("HTTP mode without `option httplog` or `log-format`: HAProxy's default log line holds no status; add `option httplog`")
        }
        let targets = s.targets.flatMap { $0 == "global" ? global : [$0] }
        let notSyslog = ["stdout", "stderr", "fd@1", "fd@2", "/dev/stdout", "/dev/stderr"]
        if !targets.isEmpty, targets.allSatisfy({ notSyslog.contains($0) || $0.hasPrefix("ring@") }) {
            return DiscoveredLog(server: "haproxy", path: nil, format: format, origin: origin,
                                 note: "frontend `\(name)` (`\(s.formatWhat)`) logs to \(targets.joined(separator: ", ")), not to syslog: "
                                    + "whatever collects HAProxy's output (the journal, a container runtime) has its lines; have it write them to a file to watch them")
        }
        guard let file = syslogFile else {
            return DiscoveredLog(server: "haproxy", path: nil, format: format, origin: origin,
                                 note: "frontend `\(name)` (`\(s.formatWhat)`) logs to syslog (\(global.isEmpty ? "its `log` target" : global.joined(separator: ", "))), "
                                    + "and no syslog rule writing HAProxy's lines to a file was found: statusd's syslog source is planned; "
                                    + "have rsyslog write them to a file (Debian's haproxy package adds /etc/rsyslog.d/49-haproxy.conf for /var/log/haproxy.log)")
        }
        return DiscoveredLog(server: "haproxy", path: file, format: format, origin: origin, note: "frontend `\(name)` (`\(s.formatWhat)`), through syslog")
    }

    /// HAProxy's words: space separated, `"..."` (with `\` escapes) and `'...'` quoting, `\ ` for
    /// a space, `#` to the end of the line.
    static func split(_ s: String) -> [String] {
        var out: [String] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 13 { i += 1 }
            guard i < b.count, b[i] != UInt8(ascii: "#") else { break }
            var w: [UInt8] = []
            while i < b.count, b[i] != 32, b[i] != 9, b[i] != 13, b[i] != UInt8(ascii: "#") {
                let c = b[i]
                if c == UInt8(ascii: "\\"), i + 1 < b.count { w.append(b[i + 1]); i += 2; continue }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    i += 1
                    while i < b.count, b[i] != c {
                        if c == UInt8(ascii: "\""), b[i] == UInt8(ascii: "\\"), i + 1 < b.count { w.append(b[i + 1]); i += 2; continue }
                        w.append(b[i])
                        i += 1
                    }
                    i += 1
                    continue
                }
                w.append(c)
                i += 1
            }
            out.append(String(decoding: w, as: UTF8.self))
        }
        return out
    }

    /// The file rsyslog writes HAProxy's lines to, from its config text (Debian's
    /// `:programname, startswith, "haproxy" { /var/log/haproxy.log stop }`, or an `if $programname`
    /// rule, or a legacy selector naming `haproxy`).
    public static func rsyslogFile(_ text: String) -> String? {
        let lines = text.split(separator: "\n")
        for (k, raw) in lines.enumerated() {
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            guard !line.hasPrefix("#"), line.contains("haproxy"), line.contains("programname") || line.contains("syslogtag") else { continue }
            // The action: on this line, or in the `{ ... }` block it opens (Debian's file).
            var block = [line]
            if line.contains("{"), !line.contains("}") {
                for next in lines[(k + 1)...] {
                    block.append(next)
                    if next.contains("}") { break }
                }
            }
            for l in block {
                if let r = l.firstRange(of: "file=\"") {
                    return String(l[r.upperBound...].prefix(while: { $0 != "\"" }))
                }
                for w in l.split(whereSeparator: { $0 == " " || $0 == "{" || $0 == "}" || $0 == "\t" }) {
                    var p = w
                    if p.hasPrefix("-") { p = p.dropFirst() }
                    if p.hasPrefix("/"), !p.hasPrefix("/dev/") { return String(p) }
                }
            }
        }
        return nil
    }
}
