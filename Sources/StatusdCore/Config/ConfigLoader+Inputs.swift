import Yams

/// One entry of `inputs:`: the logs to watch, their format and how their lines are timed.
extension ConfigLoader {
    static let inputKeys = [
        "name", "path", "format", "start_at", "time", "max_skew", "max_line_bytes", "poll", "status_key", "time_key",
        "pattern", "max_lateness", "prefix", "close_inactive", "log_format", "escape",
        "wrapper", "journal",
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
            case "journal":
                if let j = journal(v) { result.journal = j } else { ok = false }
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
        if map["journal"] != nil, let p = map.keys.first(where: { $0.string == "path" }) {
            reader.fail(p, "an input reads files (`path`) or journald (`journal`), not both: make two inputs")
            ok = false
        } else if paths.isEmpty, map["path"] == nil, map["journal"] == nil {
            reader.fail(node, "an input needs a `path` (a file or a glob) or a `journal` (`{unit: nginx.service}`)")
            ok = false
        }
        guard ok, let name else { return nil }
        result.formatOptions.prefix = result.prefix
        result.name = name
        result.paths = paths
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
}
