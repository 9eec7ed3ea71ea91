/// The statusd config `statusd discover` prints: one input per file the servers write (a file
/// two servers or two formats share is one input), each finding that is not a file as a comment
/// saying why, then the shipped default rules with sinks commented out.
public enum DiscoveredConfig {
    /// `sources`: one line per server asked and how (`nginx: nginx -T`), printed in the header.
    public static func yaml(_ findings: [DiscoveredLog], sources: [String]) -> String {
        var out = """
        # statusd configuration written by `statusd discover` from this host's web server configs.
        # Check it with `statusd check --config FILE`; install it as /etc/statusd/statusd.yaml.
        # Read from:

        """
        for s in sources { out += "#   \(clean(s))\n" }
        out += """
        #
        # Every input below is a file a server's own config says it writes, in the format that config
        # gives; `format: nginx|apache|haproxy` with `log_format:` reads the server's format string as is.

        """
        var inputs: [(name: String, path: String, format: DiscoveredFormat, comments: [String])] = []
        var skipped: [(why: String, format: DiscoveredFormat)] = []
        for f in findings {
            guard let path = f.path, f.format != .none else {
                var why = "\(f.server) \(f.origin): "
                if let p = f.path { why += "`\(p)`: " }
                why += f.note ?? "no format statusd can read"
                skipped.append((why, f.format))
                continue
            }
            let note = "\(f.server) \(f.origin)" + (f.note.map { ": \($0)" } ?? "")
            if let k = inputs.firstIndex(where: { $0.path == path }) {
                if inputs[k].format == f.format {
                    inputs[k].comments.append("also " + note)
                } else {
                    inputs[k].comments.append("also \(note), in another format (\(f.format.yamlLines.joined(separator: ", "))): "
                        + "one input reads one format, and lines of the other count as unparsed; give each its own file")
                }
                continue
            }
            inputs.append((name(f, taken: inputs.map(\.name)), path, f.format, [note]))
        }
        out += "inputs:\n"
        if inputs.isEmpty {
            out += """
              # No web server config named an access log statusd can read. Name yours here:
              - name: web
                path: /var/log/nginx/access.log
                format: combined                        # combined | common | nginx | apache | haproxy | ...

            """
        }
        for i in inputs {
            for c in i.comments { out += "  # \(clean(c))\n" }
            out += "  - name: \(i.name)\n"
            out += "    path: \(YAMLText.singleQuoted(i.path))\n"
            for l in i.format.yamlLines { out += "    \(l)\n" }
            out += "\n"
        }
        if !skipped.isEmpty {
            out += "  # Not watched:\n"
            for s in skipped {
                out += "  # - \(clean(s.why))\n"
                // The format, ready for an input of your own once the lines go to a file.
                for l in s.format.yamlLines { out += "  #     \(clean(l))\n" }
            }
            out += "\n"
        }
        return out + DefaultConfigText.afterInputs
    }

    /// `nginx-access`, `apache-other_vhosts_access`, `haproxy`: the server and the file's name.
    static func name(_ f: DiscoveredLog, taken: [String]) -> String {
        var base = String((f.path ?? "").split(separator: "/").last ?? "")
        for suffix in [".log", ".access", "_log"] where base.hasSuffix(suffix) { base = String(base.dropLast(suffix.count)) }
        base = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "-" })
        var name = base.isEmpty || base == f.server ? f.server : f.server + "-" + base
        name = String(name.prefix(60))
        var k = 2
        let stem = name
        while taken.contains(name) { name = "\(stem)-\(k)"; k += 1 }
        return name
    }

    /// One comment line: no control characters, no line breaks.
    static func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) ? " " : $0 }))
    }
}
