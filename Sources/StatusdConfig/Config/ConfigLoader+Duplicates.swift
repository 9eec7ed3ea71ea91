import Yams

/// Duplicate keys, each reported at its own place, and the parse that finds them.
///
/// Yams refuses a mapping with a repeated key by throwing an error that holds the whole file (which
/// may hold webhook URLs and signing secrets) and points at one key only. statusd never prints
/// that error: it marks the key Yams names (by writing a prefix before it, so it is unique), parses
/// again, and repeats until the file parses; then every repeated key is found in the tree and
/// reported at its own line and column, quoting the key's name and nothing else.
extension ConfigLoader {
    /// The prefix written before a repeated key while looking for the others.
    static let duplicateMark = "zz-statusd-duplicate-"

    /// One key written more than once in a mapping: where the repeat is, and where the key first was.
    struct DuplicateKey: Equatable {
        var name: String
        var line: Int
        var column: Int
        var firstLine: Int
    }

    /// The node tree of `yaml` and the keys repeated in it. Rethrows any other YAML error; a
    /// duplicate that cannot be marked is thrown as `duplicatedKeysInMapping` without the text.
    static func composeFindingDuplicates(_ yaml: String) throws -> (root: Node?, duplicates: [DuplicateKey]) {
        var text = yaml
        var inserted: [(line: Int, column: Int, count: Int)] = []
        var lastMark: (Int, Int)?
        var firstSeen: DuplicateKeysUnmarked?
        for round in 0..<1000 {
            do {
                let root = try Yams.compose(yaml: text)
                guard !inserted.isEmpty, let root else { return (root, []) }
                var found: [DuplicateKey] = []
                collectDuplicates(root, inserted: inserted, into: &found)
                // Marked, yet none found again: say what Yams saw rather than load renamed keys.
                if found.isEmpty, let firstSeen { throw firstSeen }
                return (root, found.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
            } catch YamlError.duplicatedKeysInMapping(let names, let context) {
                let mark = (context.mark.line, context.mark.column)
                let prefix = "\(duplicateMark)\(round)-"
                guard lastMark.map({ $0 != mark }) ?? true, let marked = insert(prefix, into: text, line: mark.0, column: mark.1) else {
                    throw DuplicateKeysUnmarked(names: names, line: mark.0, column: mark.1)
                }
                lastMark = mark
                if firstSeen == nil { firstSeen = DuplicateKeysUnmarked(names: names, line: mark.0, column: mark.1) }
                text = marked
                inserted.append((mark.0, mark.1, prefix.count))
            }
        }
        throw DuplicateKeysUnmarked(names: [], line: 1, column: 1)
    }

    /// A repeated key that could not be marked: reported where Yams saw it, by name only.
    struct DuplicateKeysUnmarked: Error {
        var names: [String]
        var line: Int
        var column: Int
    }

    /// `text` with `prefix` written at 1-based `line` and `column` (counted in characters, as libyaml does).
    static func insert(_ prefix: String, into text: String, line: Int, column: Int) -> String? {
        var scalars = Array(text.unicodeScalars)
        var l = 1, i = 0
        while l < line && i < scalars.count {
            if scalars[i] == "\n" { l += 1 }
            i += 1
        }
        guard l == line else { return nil }
        var at = i + column - 1
        guard at < scalars.count, !scalars[i..<at].contains("\n") else { return nil }
        // Inside the quotes of a quoted key, so the mark becomes part of its name.
        if scalars[at] == "\"" || scalars[at] == "'" { at += 1 }
        scalars.insert(contentsOf: prefix.unicodeScalars, at: at)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    /// Walks every mapping; a key of the same name (once its mark is taken off) seen twice is a duplicate.
    private static func collectDuplicates(_ node: Node, inserted: [(line: Int, column: Int, count: Int)], into found: inout [DuplicateKey]) {
        switch node {
        case .mapping(let mapping):
            var first: [String: Int] = [:]
            for (key, value) in mapping {
                if let raw = key.string {
                    let name = unmarked(raw)
                    let line = key.mark?.line ?? 1
                    var column = key.mark?.column ?? 1
                    // Columns after a mark written earlier on the same line moved right: move them back.
                    for ins in inserted where ins.line == line && ins.column < column { column -= ins.count }
                    if let f = first[name] {
                        found.append(DuplicateKey(name: name, line: line, column: column, firstLine: f))
                    } else {
                        first[name] = line
                    }
                }
                collectDuplicates(value, inserted: inserted, into: &found)
            }
        case .sequence(let seq):
            for item in seq { collectDuplicates(item, inserted: inserted, into: &found) }
        default:
            break
        }
    }

    /// A key's name without the marks written before it.
    static func unmarked(_ key: String) -> String {
        var k = Substring(key)
        while k.hasPrefix(duplicateMark) {
            k = k.dropFirst(duplicateMark.count)
            k = k.drop { $0 != "-" }.dropFirst()
        }
        return String(k)
    }
}
