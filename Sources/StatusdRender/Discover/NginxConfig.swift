/// nginx configuration text read as nginx reads it: directives with their arguments (quotes and
/// escapes resolved), blocks, and `include` files spliced in where they are named.
public struct NginxDirective: Sendable, Equatable {
    public var name: String
    public var args: [String]
    /// `FILE:LINE`.
    public var origin: String
    /// The block's directives, for `http { ... }`, `server`, `location`; nil for a simple directive.
    public var block: [NginxDirective]?
}

public enum NginxConfig {
    /// Splits `nginx -T`'s output into its files (each follows `# configuration file PATH:`).
    public static func splitDump(_ dump: String) -> [String: String] {
        var files: [String: String] = [:]
        var current: String?
        var text = ""
        for line in dump.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# configuration file "), line.hasSuffix(":") {
                if let c = current { files[c] = text }
                current = String(line.dropFirst("# configuration file ".count).dropLast())
                text = ""
            } else if current != nil {
                text += line + "\n"
            }
        }
        if let c = current { files[c] = text }
        return files
    }

    /// The directives of `path` with its includes spliced in (relative include paths resolve
    /// against `confDir`, the directory of the main file, as nginx does).
    public static func parse(path: String, files: ConfigFiles, confDir: String, depth: Int = 0) -> [NginxDirective] {
        guard depth < 16, let file = files.load(path).first else { return [] }
        var tokens = Tokens(Array(file.text.utf8), file: file.path)
        return block(&tokens, files: files, confDir: confDir, depth: depth)
    }

    private static func block(_ t: inout Tokens, files: ConfigFiles, confDir: String, depth: Int) -> [NginxDirective] {
        var out: [NginxDirective] = []
        var words: [String] = []
        var origin = ""
        while let tok = t.next() {
            switch tok {
            case .word(let w, let line):
                if words.isEmpty { origin = "\(t.file):\(line)" }
                words.append(w)
            case .semicolon:
                guard let name = words.first else { continue }
                let args = Array(words.dropFirst())
                if name == "include", let pattern = args.first {
                    let full = pattern.hasPrefix("/") ? pattern : confDir + "/" + pattern
                    for f in files.load(full) {
                        out += parse(path: f.path, files: files, confDir: confDir, depth: depth + 1)
                    }
                } else {
                    out.append(NginxDirective(name: name, args: args, origin: origin, block: nil))
                }
                words = []
            case .open:
                let inner = block(&t, files: files, confDir: confDir, depth: depth)
                if let name = words.first {
                    out.append(NginxDirective(name: name, args: Array(words.dropFirst()), origin: origin, block: inner))
                }
                words = []
            case .close:
                return out
            }
        }
        return out
    }

    enum Token { case word(String, Int), semicolon, open, close }

    /// nginx's tokenizer: space separated words, `"..."` and `'...'` with `\"`, `\'`, `\\`, `\t`,
    /// `\r`, `\n` escapes, `#` comments to the end of the line, `;`, `{`, `}`.
    struct Tokens {
        let b: [UInt8]
        let file: String
        var i = 0
        var line = 1

        init(_ b: [UInt8], file: String) {
            self.b = b
            self.file = file
        }

        mutating func next() -> Token? {
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\n") { line += 1; i += 1; continue }
                if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { i += 1; continue }
                if c == UInt8(ascii: "#") {
                    while i < b.count, b[i] != UInt8(ascii: "\n") { i += 1 }
                    continue
                }
                if c == UInt8(ascii: ";") { i += 1; return .semicolon }
                if c == UInt8(ascii: "{") { i += 1; return .open }
                if c == UInt8(ascii: "}") { i += 1; return .close }
                let start = line
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    i += 1
                    var w: [UInt8] = []
                    while i < b.count, b[i] != c {
                        if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                            let e = b[i + 1]
                            switch e {
                            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): w.append(e)
                            case UInt8(ascii: "t"): w.append(9)
                            case UInt8(ascii: "r"): w.append(13)
                            case UInt8(ascii: "n"): w.append(10)
                            default: w.append(b[i]); w.append(e)
                            }
                            if e == UInt8(ascii: "\n") { line += 1 }
                            i += 2
                            continue
                        }
                        if b[i] == UInt8(ascii: "\n") { line += 1 }
                        w.append(b[i])
                        i += 1
                    }
                    i += 1
                    return .word(String(decoding: w, as: UTF8.self), start)
                }
                var w: [UInt8] = []
                while i < b.count {
                    let d = b[i]
                    if d == UInt8(ascii: " ") || d == UInt8(ascii: "\t") || d == UInt8(ascii: "\r") || d == UInt8(ascii: "\n")
                        || d == UInt8(ascii: ";") || d == UInt8(ascii: "{") { break }
                    if d == UInt8(ascii: "\\"), i + 1 < b.count { w.append(b[i + 1]); i += 2; continue }
                    w.append(d)
                    i += 1
                }
                return .word(String(decoding: w, as: UTF8.self), start)
            }
            return nil
        }
    }
}
