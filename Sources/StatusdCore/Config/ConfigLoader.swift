import Yams

/// Reads a YAML config into `StatusdConfig`, collecting every error with its file, line and column.
///
/// It walks Yams' node tree rather than decoding: Codable errors carry no line numbers, and an
/// operator fixing a config at 3 a.m. needs all the problems at once, each with its place.
public struct ConfigLoader {
    public let file: String
    private var errors: [ConfigError] = []

    public init(file: String) { self.file = file }

    public static func load(yaml: String, file: String) -> Result<StatusdConfig, ConfigErrors> {
        var loader = ConfigLoader(file: file)
        return loader.load(yaml)
    }

    mutating func load(_ yaml: String) -> Result<StatusdConfig, ConfigErrors> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return .failure(ConfigErrors(errors: [syntaxError(error)]))
        } catch {
            return .failure(ConfigErrors(errors: [ConfigError(file: file, line: 1, column: 1, message: "\(error)")]))
        }
        var config = StatusdConfig()
        guard let root else {
            errors.append(ConfigError(file: file, line: 1, column: 1, message: "the config is empty: it needs `inputs` and `rules`"))
            return .failure(ConfigErrors(errors: errors))
        }
        guard let top = mapping(root, "the top level") else { return .failure(ConfigErrors(errors: errors)) }
        var sawInputs = false, sawRules = false
        for (key, value) in top {
            switch key.string ?? "" {
            case "inputs":
                sawInputs = true
                config.inputs = sequence(value, "inputs").compactMap { input($0) }
            case "rules":
                sawRules = true
                config.rules = sequence(value, "rules").compactMap { rule($0) }
            case "status":
                for (k, v) in mapping(value, "status") ?? [:] {
                    switch k.string ?? "" {
                    case "socket": config.statusSocket = path(v, "status.socket") ?? config.statusSocket
                    default: unknownKey(k, in: "status", known: ["socket"])
                    }
                }
            case "state_dir":
                config.stateDir = path(value, "state_dir") ?? config.stateDir
            case "log_level":
                config.logLevel = choice(value, "log_level", ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? config.logLevel
            default:
                unknownKey(key, in: "the top level", known: ["inputs", "rules", "status", "state_dir", "log_level"])
            }
        }
        if !sawInputs { fail(root, "`inputs` is missing: name at least one log to watch") }
        if !sawRules { fail(root, "`rules` is missing: name at least one rule") }
        checkNames(config, top)
        if errors.isEmpty { return .success(config) }
        errors.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        return .failure(ConfigErrors(errors: errors))
    }

    // MARK: inputs and rules

    private mutating func input(_ node: Node) -> InputConfig? {
        guard let map = mapping(node, "an input") else { return nil }
        var name: String?, paths: [String] = []
        var result = InputConfig(name: "", paths: [])
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "name": name = identifier(v, "input name")
            case "path":
                if let list = v.sequence {
                    for item in list { if let p = path(item, "path") { paths.append(p) } else { ok = false } }
                } else if let p = path(v, "path") { paths.append(p) } else { ok = false }
            case "format":
                if let f = choice(v, "format", LogFormat.allCases.map(\.rawValue)) { result.format = LogFormat(rawValue: f)! } else { ok = false }
            case "start_at":
                if let s = choice(v, "start_at", StartPosition.allCases.map(\.rawValue)) { result.startAt = StartPosition(rawValue: s)! } else { ok = false }
            case "time":
                if let s = choice(v, "time", TimeSource.allCases.map(\.rawValue)) { result.time = TimeSource(rawValue: s)! } else { ok = false }
            case "max_skew":
                if let d = duration(v, "max_skew") { result.maxSkewSeconds = d } else { ok = false }
            case "max_line_bytes":
                if let n = integer(v, "max_line_bytes"), n >= 256, n <= 16 * 1024 * 1024 { result.maxLineBytes = n } else {
                    if v.scalar != nil { fail(v, "`max_line_bytes` must be between 256 and 16777216") }
                    ok = false
                }
            case "poll":
                if let b = boolean(v, "poll") { result.poll = b } else { ok = false }
            case "max_lateness":
                if let d = duration(v, "max_lateness") { result.maxLatenessSeconds = min(d, 86400) } else { ok = false }
            case "prefix":
                if let p = choice(v, "prefix", LinePrefix.allCases.map(\.rawValue)) { result.prefix = LinePrefix(rawValue: p)! } else { ok = false }
            case "status_key":
                let keys = stringList(v, "status_key")
                if keys.isEmpty { ok = false } else { result.formatOptions.statusKeys = keys }
            case "time_key":
                let keys = stringList(v, "time_key")
                if keys.isEmpty { ok = false } else { result.formatOptions.timeKeys = keys }
            case "pattern":
                if let s = scalar(v, "pattern") {
                    if let problem = RegexParser.problem(with: s) { fail(v, problem); ok = false } else { result.formatOptions.pattern = s }
                } else { ok = false }
            default:
                unknownKey(k, in: "an input", known: ["name", "path", "format", "start_at", "time", "max_skew", "max_line_bytes", "poll", "status_key", "time_key", "pattern", "max_lateness", "prefix"])
                ok = false
            }
        }
        if result.format == .regex, map["pattern"] == nil { fail(map["format"] ?? node, "format `regex` needs a `pattern` with a named group `(?<status>...)`"); ok = false }
        if !result.format.isJSON {
            for key in ["status_key", "time_key"] {
                if let k = map.keys.first(where: { $0.string == key }) { fail(k, "`\(key)` applies to JSON formats only, not `\(result.format.rawValue)`"); ok = false }
            }
        }
        if name == nil, map["name"] == nil { fail(node, "an input needs a `name`"); ok = false }
        if paths.isEmpty, map["path"] == nil { fail(node, "an input needs a `path` (a file or a glob)"); ok = false }
        guard ok, let name else { return nil }
        result.formatOptions.prefix = result.prefix
        result.name = name
        result.paths = paths
        return result
    }

    private mutating func rule(_ node: Node) -> Rule? {
        guard let map = mapping(node, "a rule") else { return nil }
        var name: String?, match: StatusSet?, rateAbove: Double?, resolveBelow: Double?
        var window: Int64 = 300, minRequests: UInt64 = 20, forSeconds: Int64 = 0, resolveFor: Int64 = 0
        var severity = Severity.warning, inputs: [String] = []
        var ok = true
        let known = ["name", "match", "rate_above", "resolve_below", "window", "min_requests", "for", "resolve_for", "severity", "inputs"]
        for (k, v) in map {
            switch k.string ?? "" {
            case "name": name = identifier(v, "rule name"); ok = ok && name != nil
            case "match": match = statusSet(v); ok = ok && match != nil
            case "rate_above": rateAbove = percent(v, "rate_above"); ok = ok && rateAbove != nil
            case "resolve_below": resolveBelow = percent(v, "resolve_below"); ok = ok && resolveBelow != nil
            case "window":
                if let d = duration(v, "window") {
                    if d < 10 || d > 7 * 86400 { fail(v, "`window` must be between 10s and 7d, not \(DurationText.format(d))"); ok = false } else { window = d }
                } else { ok = false }
            case "min_requests":
                if let n = integer(v, "min_requests"), n >= 0 { minRequests = UInt64(n) } else { ok = false }
            case "for": if let d = duration(v, "for") { forSeconds = d } else { ok = false }
            case "resolve_for": if let d = duration(v, "resolve_for") { resolveFor = d } else { ok = false }
            case "severity":
                if let s = choice(v, "severity", Severity.allCases.map(\.rawValue)) { severity = Severity(rawValue: s)! } else { ok = false }
            case "inputs":
                for item in sequence(v, "inputs") { if let s = identifier(item, "input name") { inputs.append(s) } else { ok = false } }
            default:
                unknownKey(k, in: "a rule", known: known)
                ok = false
            }
        }
        if map["name"] == nil { fail(node, "a rule needs a `name`"); ok = false }
        if map["match"] == nil { fail(node, "a rule needs `match` (5xx, 52x, aborts, or a list of codes)"); ok = false }
        if map["rate_above"] == nil { fail(node, "a rule needs `rate_above` (a share of requests, such as 5%)"); ok = false }
        if let r = rateAbove, let b = resolveBelow, b > r, let n = map["resolve_below"] {
            fail(n, "`resolve_below` (\(Percent.format(b))) must not be above `rate_above` (\(Percent.format(r)))")
            ok = false
        }
        guard ok, let name, let match, let rateAbove else { return nil }
        return Rule(
            name: name, match: match, rateAbove: rateAbove, resolveBelow: resolveBelow, window: window,
            minRequests: minRequests, forSeconds: forSeconds, resolveFor: resolveFor, severity: severity, inputs: inputs)
    }

    private mutating func checkNames(_ config: StatusdConfig, _ top: Node.Mapping) {
        var seen = Set<String>()
        let inputNodes = top["inputs"]?.sequence.map { Array($0) } ?? []
        for (i, input) in config.inputs.enumerated() where !seen.insert(input.name).inserted {
            fail(inputNodes.indices.contains(i) ? inputNodes[i] : top["inputs"]!, "input name `\(input.name)` is used twice")
        }
        var ruleNames = Set<String>()
        let ruleNodes = top["rules"]?.sequence.map { Array($0) } ?? []
        for (i, rule) in config.rules.enumerated() {
            let node = ruleNodes.indices.contains(i) ? ruleNodes[i] : top["rules"]!
            if !ruleNames.insert(rule.name).inserted { fail(node, "rule name `\(rule.name)` is used twice") }
            for input in rule.inputs where !seen.contains(input) {
                fail(node.mapping?["inputs"] ?? node, "rule `\(rule.name)` watches input `\(input)`, which no input defines")
            }
        }
    }

    // MARK: scalars

    private mutating func mapping(_ node: Node, _ what: String) -> Node.Mapping? {
        if let m = node.mapping { return m }
        fail(node, "\(what) must be a mapping of keys to values")
        return nil
    }

    private mutating func sequence(_ node: Node, _ what: String) -> [Node] {
        if let s = node.sequence { return Array(s) }
        fail(node, "`\(what)` must be a list")
        return []
    }

    private mutating func scalar(_ node: Node, _ what: String) -> String? {
        if let s = node.scalar { return s.string }
        fail(node, "`\(what)` must be a single value, not a list or mapping")
        return nil
    }

    private mutating func path(_ node: Node, _ what: String) -> String? {
        guard let s = scalar(node, what) else { return nil }
        guard s.hasPrefix("/") else { fail(node, "`\(what)` must be an absolute path, not `\(s)`"); return nil }
        return s
    }

    private mutating func identifier(_ node: Node, _ what: String) -> String? {
        guard let s = scalar(node, what) else { return nil }
        let ok = !s.isEmpty && s.count <= 64 && s.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
        if !ok { fail(node, "\(what) `\(s)` must be 1-64 letters, digits, `-`, `_` or `.`"); return nil }
        return s
    }

    private mutating func choice(_ node: Node, _ what: String, _ options: [String]) -> String? {
        guard let s = scalar(node, what) else { return nil }
        guard options.contains(s) else {
            fail(node, "`\(what)` must be one of \(options.joined(separator: ", ")), not `\(s)`")
            return nil
        }
        return s
    }

    private mutating func duration(_ node: Node, _ what: String) -> Int64? {
        guard let s = scalar(node, what) else { return nil }
        guard let d = DurationText.parse(s) else {
            fail(node, "`\(what)` must be a duration such as 30s, 5m, 1h or 1h30m, not `\(s)`")
            return nil
        }
        return d
    }

    private mutating func integer(_ node: Node, _ what: String) -> Int? {
        guard let s = scalar(node, what) else { return nil }
        guard let v = Int(s.replacingUnderscores()), v >= 0 else {
            fail(node, "`\(what)` must be a whole number of at least 0, not `\(s)`")
            return nil
        }
        return v
    }

    /// A string or a list of strings.
    private mutating func stringList(_ node: Node, _ what: String) -> [String] {
        if let list = node.sequence { return list.compactMap { scalar($0, what) } }
        return scalar(node, what).map { [$0] } ?? []
    }

    private mutating func boolean(_ node: Node, _ what: String) -> Bool? {
        guard let s = scalar(node, what) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            fail(node, "`\(what)` must be true or false, not `\(s)`")
            return nil
        }
    }

    /// `5%`, `0.5%`, `12.5 %`: a share between 0 and 100 percent.
    private mutating func percent(_ node: Node, _ what: String) -> Double? {
        guard let s = scalar(node, what) else { return nil }
        var text = s.trimmingSpaces()
        guard text.hasSuffix("%") else {
            fail(node, "`\(what)` must be a percentage such as 5% or 0.5%, not `\(s)`")
            return nil
        }
        text.removeLast()
        guard let v = Double(text.trimmingSpaces()), v >= 0, v <= 100 else {
            fail(node, "`\(what)` must be a percentage between 0% and 100%, not `\(s)`")
            return nil
        }
        return v / 100
    }

    private mutating func statusSet(_ node: Node) -> StatusSet? {
        var terms: [(String, Node)] = []
        if let list = node.sequence {
            for item in list { if let s = scalar(item, "match") { terms.append((s, item)) } }
        } else if let s = scalar(node, "match") {
            for part in s.split(separator: ",") { terms.append((String(part).trimmingSpaces(), node)) }
        }
        guard !terms.isEmpty else { fail(node, "`match` is empty"); return nil }
        var set = StatusSet()
        for (term, n) in terms where !set.insert(term: term) {
            fail(n, "`match` term `\(term)` is not a class (1xx..5xx), 52x, aborts, or a three-digit code")
            return nil
        }
        return set
    }

    private mutating func unknownKey(_ key: Node, in place: String, known: [String]) {
        let name = key.string ?? "?"
        var message = "unknown key `\(name)` in \(place)"
        if let near = known.min(by: { editDistance($0, name) < editDistance($1, name) }), editDistance(near, name) <= 2 {
            message += " (did you mean `\(near)`?)"
        } else {
            message += "; known keys: \(known.joined(separator: ", "))"
        }
        fail(key, message)
    }

    private mutating func fail(_ node: Node, _ message: String) {
        let mark = node.mark
        errors.append(ConfigError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    private func syntaxError(_ error: YamlError) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(ctx)\(problem)")
        case .reader(let problem, _, _, _):
            return ConfigError(file: file, line: 1, column: 1, message: "YAML could not be read: \(problem)")
        default:
            return ConfigError(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
