import StatusdParse
import StatusdEngine
import Yams

/// `log_format:` (and nginx's `escape:`) of an input: the server's own format string, compiled at
/// load so a string statusd cannot read is an error at its variable's line and column.
extension ConfigLoader {
    mutating func logFormat(_ map: Node.Mapping, _ node: Node, _ result: inout InputConfig) -> Bool {
        let formatNode = map["log_format"]
        let escapeNode = map["escape"]
        let format = result.format
        guard [.nginx, .apache, .haproxy].contains(format) else {
            for key in ["log_format", "escape"] {
                if let k = map.keys.first(where: { $0.string == key }) {
                    reader.fail(k, "`\(key)` applies to formats nginx, apache and haproxy only, not `\(format.rawValue)`")
                    return false
                }
            }
            return true
        }
        var escape: NginxFormat.Escape?
        if let escapeNode {
            guard format == .nginx else {
                reader.fail(escapeNode, "`escape` applies to format nginx only (as nginx's `log_format ... escape=`)")
                return false
            }
            guard let e = reader.choice(escapeNode, "escape", NginxFormat.Escape.allCases.map(\.rawValue)) else { return false }
            escape = NginxFormat.Escape(rawValue: e)
        }
        guard let formatNode else {
            switch format {
            case .nginx:
                // nginx's predefined `combined`.
                result.formatOptions.template = try? NginxFormat.compile(NginxFormat.combined, escape: escape)
                return true
            case .apache:
                reader.fail(map["format"] ?? node, "format `apache` needs a `log_format`: the `LogFormat` string from the Apache config, e.g. '%h %l %u %t \\\"%r\\\" %>s %b'")
                return false
            default: return true // haproxy without one: the httplog reader
            }
        }
        guard let text = reader.scalar(formatNode, "log_format") else { return false }
        do {
            switch format {
            case .nginx: result.formatOptions.template = try NginxFormat.compile(NginxFormat.named[text] ?? text, escape: escape)
            case .apache: result.formatOptions.template = try ApacheFormat.compile(ApacheFormat.named[text] ?? text)
            default: result.formatOptions.template = try HAProxyFormat.compile(text)
            }
        } catch {
            let named = NginxFormat.named[text] != nil || ApacheFormat.named[text] != nil
            reader.fail(formatNode, offset: named ? 0 : error.offset, "`log_format`: \(error.message)")
            return false
        }
        return true
    }
}
