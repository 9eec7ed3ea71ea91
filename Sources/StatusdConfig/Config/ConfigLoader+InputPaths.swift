import StatusdParse
import StatusdEngine
import Yams

/// Inputs that cannot work, refused before anything is tailed: two inputs on one path (the second
/// would silently get nothing), an input on statusd's own state directory (re-read in a loop) or on
/// a binary journal file (thousands of junk lines a second, each re-read logged into that journal).
/// Globs that may match the same files as another input's are warned about.
extension ConfigLoader {
    /// Where an input's paths are written, in the order `InputConfig.paths` holds them.
    private func pathNodes(_ top: Node.Mapping, input index: Int) -> [Node] {
        guard let inputs = top["inputs"]?.sequence.map(Array.init), inputs.indices.contains(index),
              let p = inputs[index].mapping?["path"] ?? inputs[index].mapping?["kubernetes"] else { return [] }
        return p.sequence.map(Array.init) ?? [p]
    }

    mutating func checkInputPaths(_ config: StatusdConfig, _ top: Node.Mapping) {
        var seen: [String: (input: String, line: Int)] = [:]
        var all: [(path: String, input: String, node: Node?)] = []
        let stateDir = Self.normalised(config.stateDir)
        // Two inputs on one syslog address with one tag (or both without): the second would get nothing.
        var claimed: [String: String] = [:]
        for (i, input) in config.inputs.enumerated() {
            guard let s = input.syslog else { continue }
            let key = "\(s.listen) \(s.tag ?? "")"
            let node = top["inputs"]?.sequence.map(Array.init)?[i].mapping?["syslog"]
            if let other = claimed[key] {
                failAt(node, "inputs `\(other)` and `\(input.name)` both take \(s.tag.map { "tag `\(SafeText.field($0))`" } ?? "every tag") on \(s.listen): the second would get nothing")
            }
            claimed[key] = input.name
        }
        for (i, input) in config.inputs.enumerated() {
            let nodes = pathNodes(top, input: i)
            for (j, raw) in input.paths.enumerated() {
                let node = nodes.indices.contains(j) ? nodes[j] : nil
                let path = Self.normalised(raw)
                let shown = SafeText.field(raw)
                if let other = seen[path] {
                    failAt(node, "input `\(input.name)` watches `\(shown)`, which input `\(other.input)` (line \(other.line)) watches already: the second would get no line; keep one")
                    continue
                }
                seen[path] = (input.name, node?.mark?.line ?? 1)
                if let why = Self.journalFile(path) {
                    failAt(node, "input `\(input.name)`: `\(shown)` is \(why), not a text log. journald as a source is planned but not there yet: "
                        + "today, have the web server write its access log to a file (nginx `access_log`, Apache `CustomLog`, HAProxy through rsyslog) and watch that file")
                    continue
                }
                if Self.directory(path).contains(where: { "*?[".contains($0) }) {
                    failAt(node, "input `\(input.name)`: `\(shown)` has a glob in a directory; only the file name may be one "
                        + "(statusd watches the directory a pattern is in): list each directory as a path of its own")
                    continue
                }
                if path == stateDir || path.hasPrefix(stateDir + "/") || Self.directory(path) == stateDir {
                    failAt(node, "input `\(input.name)`: `\(shown)` is in statusd's own state_dir (\(SafeText.field(config.stateDir))): statusd would read its own files in a loop")
                    continue
                }
                all.append((path, input.name, node))
            }
        }
        // A glob matching another input's path or glob: likely the same files twice.
        for a in 0..<all.count {
            for b in (a + 1)..<max(a + 1, all.count) where all[a].input != all[b].input {
                let x = all[a].path, y = all[b].path
                guard Self.isGlob(x) || Self.isGlob(y), Self.directory(x) == Self.directory(y),
                      Glob.matches(Self.name(x), Self.name(y)) || Glob.matches(Self.name(y), Self.name(x)) else { continue }
                let at = all[b].node?.mark
                warnings.append(ConfigError(file: file, line: at?.line ?? 1, column: at?.column ?? 1,
                    message: "input `\(all[b].input)`'s `\(SafeText.field(y))` may match the same files as input `\(all[a].input)`'s "
                        + "`\(SafeText.field(x))`: a file matched by both is read by one input only"))
            }
        }
    }

    private mutating func failAt(_ node: Node?, _ message: String) {
        if let node { reader.fail(node, message) } else { reader.fail(message) }
    }

    /// Why a path is a binary journal file, or nil.
    static func journalFile(_ path: String) -> String? {
        if path.hasSuffix(".journal") || path.hasSuffix(".journal~") { return "a binary journal file (`*.journal`)" }
        for dir in ["/var/log/journal", "/run/log/journal"] where path == dir || path.hasPrefix(dir + "/") {
            return "under \(dir), where journald keeps its binary files"
        }
        return nil
    }

    /// `/var//log/./nginx/../nginx/access.log` → `/var/log/nginx/access.log` (lexically; links are not followed).
    static func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") {
            switch p {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(p)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func directory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func name(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    static func isGlob(_ path: String) -> Bool { name(path).contains { "*?[".contains($0) } }
}

/// Shell glob matching of one name (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`), as the tailer matches
/// names in a directory; pure, for config checks.
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var pi = 0, ni = 0, starP = -1, starN = 0
        while ni < n.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    starP = pi; starN = ni; pi += 1
                    continue
                case "?":
                    pi += 1; ni += 1
                    continue
                case "[":
                    if let (ok, next) = bracket(p, pi, n[ni]) {
                        if ok { pi = next; ni += 1; continue }
                    } else if n[ni] == "[" { pi += 1; ni += 1; continue }
                default:
                    if p[pi] == n[ni] { pi += 1; ni += 1; continue }
                }
            }
            guard starP >= 0 else { return false }
            starN += 1
            ni = starN
            pi = starP + 1
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Whether `c` is in the bracket expression at `p[start]`, and the index after it; nil if unclosed.
    private static func bracket(_ p: [Unicode.Scalar], _ start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == "!" || p[i] == "^") { negate = true; i += 1 }
        var found = false
        var first = true
        while i < p.count && (p[i] != "]" || first) {
            first = false
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                if p[i].value <= c.value && c.value <= p[i + 2].value { found = true }
                i += 3
            } else {
                if p[i] == c { found = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (found != negate, i + 1)
    }
}
