import StatusdParse
import StatusdEngine
import Yams

/// One entry of `inputs:`: the logs to watch, their format and how their lines are timed.
extension ConfigLoader {
    static let inputKeys = [
        "name", "path", "format", "start_at", "time", "max_skew", "max_line_bytes", "poll", "status_key", "time_key",
        "pattern", "max_lateness", "prefix", "close_inactive", "log_format", "escape",
        "wrapper", "journal", "syslog", "kubernetes",
    ]

    mutating func input(_ node: Node) -> InputConfig? {
        guard let map = reader.mapping(node, "an input") else { return nil }
        var name: String?, paths: [String] = []
        var result = InputConfig(name: "", paths: [])
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "name": name = reader.identifier(v, "input name")
            case "path":
                if let list = v.sequence {
                    for item in list { if let p = reader.path(item, "path") { paths.append(p) } else { ok = false } }
                } else if let p = reader.path(v, "path") { paths.append(p) } else { ok = false }
            case "format":
                if let f = reader.choice(v, "format", LogFormat.allCases.map(\.rawValue)) { result.format = LogFormat(rawValue: f)! } else { ok = false }
            case "start_at":
                if let s = reader.choice(v, "start_at", StartPosition.allCases.map(\.rawValue)) { result.startAt = StartPosition(rawValue: s)! } else { ok = false }
            case "time":
                if let s = reader.choice(v, "time", TimeSource.allCases.map(\.rawValue)) { result.time = TimeSource(rawValue: s)! } else { ok = false }
            case "max_skew":
                if let d = reader.duration(v, "max_skew") { result.maxSkewSeconds = d } else { ok = false }
            case "max_line_bytes":
                if let n = reader.integer(v, "max_line_bytes"), n >= 256, n <= 16 * 1024 * 1024 { result.maxLineBytes = n } else {
                    if v.scalar != nil { reader.fail(v, "`max_line_bytes` must be between 256 and 16777216") }
                    ok = false
                }
            case "poll":
                if let b = reader.boolean(v, "poll") { result.poll = b } else { ok = false }
            case "close_inactive":
                if let d = reader.duration(v, "close_inactive", within: 1...86400) { result.closeInactiveSeconds = d } else { ok = false }
            case "max_lateness":
                if let d = reader.duration(v, "max_lateness") { result.maxLatenessSeconds = min(d, 86400) } else { ok = false }
            case "prefix":
                if let p = reader.choice(v, "prefix", LinePrefix.allCases.map(\.rawValue)) { result.prefix = LinePrefix(rawValue: p)! } else { ok = false }
            case "syslog":
                if let s = syslog(v) { result.syslog = s } else { ok = false }
            case "journal":
                if let j = journal(v) { result.journal = j } else { ok = false }
            case "kubernetes":
                if let k = kubernetes(v) { result.kubernetes = k } else { ok = false }
            case "wrapper":
                if let w = reader.choice(v, "wrapper", ContainerWrapper.allCases.map(\.rawValue)) {
                    result.formatOptions.wrapper = ContainerWrapper(rawValue: w)!
                } else { ok = false }
            case "status_key":
                let keys = reader.stringList(v, "status_key")
                if keys.isEmpty { ok = false } else { result.formatOptions.statusKeys = keys }
            case "time_key":
                let keys = reader.stringList(v, "time_key")
                if keys.isEmpty { ok = false } else { result.formatOptions.timeKeys = keys }
            case "log_format", "escape": break // read below, once the format is known
            case "pattern":
                if let s = reader.scalar(v, "pattern") {
                    if let problem = RegexParser.problem(with: s) { reader.fail(v, problem); ok = false } else { result.formatOptions.pattern = s }
                } else { ok = false }
            default:
                reader.unknownKey(k, in: "an input", known: Self.inputKeys)
                ok = false
            }
        }
        if result.format == .regex, map["pattern"] == nil {
            reader.fail(map["format"] ?? node, "format `regex` needs a `pattern` with a named group `(?<status>...)`")
            ok = false
        }
        if !result.format.isJSON {
            for key in ["status_key", "time_key"] {
                if let k = map.keys.first(where: { $0.string == key }) {
                    reader.fail(k, "`\(key)` applies to JSON formats only, not `\(result.format.rawValue)`")
                    ok = false
                }
            }
        }
        if !logFormat(map, node, &result) { ok = false }
        if name == nil, map["name"] == nil { reader.fail(node, "an input needs a `name`"); ok = false }
        let sources = ["path", "journal", "syslog", "kubernetes"].filter { map[$0] != nil }
        if sources.count > 1, let second = map.keys.first(where: { $0.string == sources[1] }) {
            reader.fail(second, "an input reads files (`path`), journald (`journal`), syslog (`syslog`) or pods' logs (`kubernetes`), one of them: make an input for each")
            ok = false
        } else if sources.isEmpty {
            reader.fail(node, "an input needs a `path` (a file or a glob), a `journal` (`{unit: nginx.service}`), a `syslog` (`{listen: udp://127.0.0.1:5514}`) "
                + "or `kubernetes` (`{namespace: ingress-nginx, container: controller}`)")
            ok = false
        }
        guard ok, let name else { return nil }
        result.formatOptions.prefix = result.prefix
        result.name = name
        result.paths = paths
        if let k = result.kubernetes {
            // The kubelet's links, found by name; the runtime's CRI envelope unless said otherwise.
            result.paths = [k.pathGlob]
            if map["wrapper"] == nil { result.formatOptions.wrapper = .cri }
        }
        return result
    }

    /// `journal: {unit: nginx.service}`, `{identifier: [nginx, haproxy]}` or `{match: ["FIELD=value"]}`.
    mutating func journal(_ node: Node) -> JournalSelection? {
        guard let map = reader.mapping(node, "`journal`") else { return nil }
        var j = JournalSelection()
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "unit": j.units = reader.stringList(v, "unit")
            case "identifier": j.identifiers = reader.stringList(v, "identifier")
            case "match":
                for m in reader.stringList(v, "match") {
                    guard let eq = m.firstIndex(of: "="), JournalSelection.isFieldName(m[..<eq]) else {
                        reader.fail(v, "a journal match is `FIELD=value` with FIELD in A-Z, 0-9 and _ (`_SYSTEMD_UNIT=nginx.service`), not `\(SafeText.field(m))`")
                        ok = false
                        continue
                    }
                    j.matches.append(m)
                }
            default:
                reader.unknownKey(k, in: "`journal`", known: ["unit", "identifier", "match"])
                ok = false
            }
        }
        if ok, j.terms.isEmpty {
            reader.fail(node, "`journal` needs a `unit`, an `identifier` or a `match`")
            ok = false
        }
        if j.terms.contains(where: { $0.utf8.contains(0) || $0.utf8.contains(0x0A) }) {
            reader.fail(node, "a journal match may not hold a newline or NUL")
            ok = false
        }
        return ok ? j : nil
    }

    /// `syslog: {listen: udp://127.0.0.1:5514, tag: nginx}`; a listener beyond this host needs `remote: true`.
    mutating func syslog(_ node: Node) -> SyslogSelection? {
        guard let map = reader.mapping(node, "`syslog`") else { return nil }
        var listen: SyslogSelection.Listen?, tag: String?, remote = false
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "listen":
                guard let s = reader.scalar(v, "listen") else { ok = false; continue }
                switch SyslogSelection.Listen.parse(s) {
                case .success(let l): listen = l
                case .failure(let e): reader.fail(v, e.message); ok = false
                }
            case "tag":
                if let t = reader.scalar(v, "tag"), !t.isEmpty, t.utf8.count <= 48, !t.contains(" ") { tag = t } else {
                    reader.fail(v, "`tag` is the sender's syslog tag (nginx `tag=`, HAProxy's process name): 1-48 bytes, no spaces")
                    ok = false
                }
            case "remote":
                if let b = reader.boolean(v, "remote") { remote = b } else { ok = false }
            default:
                reader.unknownKey(k, in: "`syslog`", known: ["listen", "tag", "remote"])
                ok = false
            }
        }
        guard ok else { return nil }
        guard let listen else {
            reader.fail(node, "`syslog` needs `listen: udp://127.0.0.1:5514` or `listen: unix:/run/statusd/syslog.sock`")
            return nil
        }
        if !listen.isLocal, !remote {
            reader.fail(map["listen"] ?? node, "`\(listen)` would take datagrams from other hosts, which anyone on the network can forge: "
                + "listen on 127.0.0.1 or a unix socket, or say `remote: true`")
            return nil
        }
        return SyslogSelection(listen: listen, tag: tag)
    }
}
