import StatusdParse
import StatusdEngine
import Yams

/// Walks Yams nodes and reads typed values out of them, collecting every problem as a
/// `ConfigError` with its file, line and column instead of stopping at the first.
///
/// It knows YAML shapes and value syntaxes (durations, percentages, status sets), not statusd's
/// sections: the section readers (`ConfigLoader+Inputs`, `+Rules`, `+Status`) call it, so a new
/// section reports its problems the same way. Each reader returns `nil` (or an empty list) after
/// recording why, so callers only decide what a missing value means for their section.
struct ConfigReader {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) { self.file = file }

    // MARK: shapes

    mutating func mapping(_ node: Node, _ what: String) -> Node.Mapping? {
        if let m = node.mapping { return m }
        fail(node, "\(what) must be a mapping of keys to values")
        return nil
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node] {
        if let s = node.sequence { return Array(s) }
        fail(node, "`\(what)` must be a list")
        return []
    }

    mutating func scalar(_ node: Node, _ what: String) -> String? {
        if let s = node.scalar { return s.string }
        fail(node, "`\(what)` must be a single value, not a list or mapping")
        return nil
    }

    // MARK: values

    mutating func path(_ node: Node, _ what: String) -> String? {
        guard let s = scalar(node, what) else { return nil }
        guard s.hasPrefix("/") else { fail(node, "`\(what)` must be an absolute path, not `\(s)`"); return nil }
        return s
    }

    mutating func identifier(_ node: Node, _ what: String) -> String? {
        guard let s = scalar(node, what) else { return nil }
        let ok = !s.isEmpty && s.count <= 64 && s.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
        if !ok { fail(node, "\(what) `\(s)` must be 1-64 letters, digits, `-`, `_` or `.`"); return nil }
        return s
    }

    mutating func choice(_ node: Node, _ what: String, _ options: [String]) -> String? {
        guard let s = scalar(node, what) else { return nil }
        guard options.contains(s) else {
            fail(node, "`\(what)` must be one of \(options.joined(separator: ", ")), not `\(s)`")
            return nil
        }
        return s
    }

    mutating func duration(_ node: Node, _ what: String) -> Int64? {
        guard let s = scalar(node, what) else { return nil }
        guard let d = DurationText.parse(s) else {
            fail(node, "`\(what)` must be a duration such as 30s, 5m, 1h or 1h30m, not `\(s)`")
            return nil
        }
        return d
    }

    /// A duration that must lie in `range`: `window` must be between 10s and 7d, not 5s.
    mutating func duration(_ node: Node, _ what: String, within range: ClosedRange<Int64>) -> Int64? {
        guard let d = duration(node, what) else { return nil }
        guard range.contains(d) else {
            fail(node, "`\(what)` must be between \(DurationText.format(range.lowerBound)) and \(DurationText.format(range.upperBound)), not \(DurationText.format(d))")
            return nil
        }
        return d
    }

    mutating func integer(_ node: Node, _ what: String) -> Int? {
        guard let s = scalar(node, what) else { return nil }
        guard let v = Int(s.replacingUnderscores()), v >= 0 else {
            fail(node, "`\(what)` must be a whole number of at least 0, not `\(s)`")
            return nil
        }
        return v
    }

    /// A string or a list of strings.
    mutating func stringList(_ node: Node, _ what: String) -> [String] {
        if let list = node.sequence { return list.compactMap { scalar($0, what) } }
        return scalar(node, what).map { [$0] } ?? []
    }

    mutating func boolean(_ node: Node, _ what: String) -> Bool? {
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
    mutating func percent(_ node: Node, _ what: String) -> Double? {
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

    /// `match:` as a list (`[500, 52x]`) or one comma-separated value (`5xx, 499`).
    mutating func statusSet(_ node: Node) -> StatusSet? {
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

    // MARK: problems

    /// An unknown key, with the nearest known one when it is a likely typo.
    mutating func unknownKey(_ key: Node, in place: String, known: [String]) {
        let name = key.string ?? "?"
        var message = "unknown key `\(name)` in \(place)"
        if let near = known.min(by: { editDistance($0, name) < editDistance($1, name) }), editDistance(near, name) <= 2 {
            message += " (did you mean `\(near)`?)"
        } else {
            message += "; known keys: \(known.joined(separator: ", "))"
        }
        fail(key, message)
    }

    mutating func fail(_ node: Node, _ message: String) {
        let mark = node.mark
        errors.append(ConfigError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// A problem at a byte offset inside a one-line scalar (a variable in a `log_format`): its own
    /// line and column, counted from the scalar's first character (after its quote, if quoted).
    mutating func fail(_ node: Node, offset: Int, _ message: String) {
        let mark = node.mark
        var column = mark?.column ?? 1
        if let scalar = node.scalar, !scalar.string.contains("\n") {
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            if scalar.style == .plain || quoted { column += offset + (quoted ? 1 : 0) }
        }
        errors.append(ConfigError(file: file, line: mark?.line ?? 1, column: column, message: message))
    }

    /// A problem with no node to point at: the whole file.
    mutating func fail(_ message: String) {
        errors.append(ConfigError(file: file, line: 1, column: 1, message: message))
    }

    func syntaxError(_ error: YamlError) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(ctx)\(problem)")
        case .reader(let problem, _, _, _):
            return ConfigError(file: file, line: 1, column: 1, message: "YAML could not be read: \(problem)")
        default:
            // Some YAML errors (duplicate keys) carry the whole file, secrets included: never print them.
            return ConfigError(file: file, line: 1, column: 1, message: "the config could not be read as YAML")
        }
    }
}

/// Levenshtein distance, for "did you mean" on unknown keys.
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
