/// The formats statusd reads. Each names a parser.
public enum LogFormat: String, CaseIterable, Sendable, Codable {
    /// nginx/Apache combined and its variants (vhost prefix, extra fields, syslog prefix).
    case combined
    /// Common log format: combined without referer and user agent. Same parser.
    case common
    /// JSON lines with `status_key` / `time_key` (defaults: `status`, and common time keys).
    case json
    /// nginx `log_format ... escape=json`.
    case nginxJSON = "nginx-json"
    case caddy, traefik, cloudflare, akamai
    /// W3C extended (IIS): `#Fields:` headers, space separated.
    case w3c
    /// CloudFront standard logs: W3C, tab separated.
    case cloudfront
    /// AWS application load balancer.
    case alb
    /// HAProxy httplog; with `log_format` (a `log-format` string or `httplog`/`clf`), read by it.
    case haproxy
    /// nginx with its own `log_format` string, compiled (Parse/Format/NginxFormat.swift).
    case nginx
    /// Apache with its own `LogFormat` string, compiled (Parse/Format/ApacheFormat.swift).
    case apache
    /// A regular expression with named groups `status` and `time` (`pattern:`).
    case regex
    /// Detected per file from its first lines.
    case auto

    public var isJSON: Bool { [.json, .nginxJSON, .caddy, .traefik, .cloudflare, .akamai].contains(self) }

    /// A parser for this format; `options` carries the keys and pattern an input configured.
    public func makeParser(_ options: FormatOptions = FormatOptions()) -> any LineParser {
        switch self {
        case .combined, .common: return CombinedParser()
        case .json, .nginxJSON, .caddy, .traefik, .cloudflare, .akamai:
            let preset = JSONParser.preset(self)
            return JSONParser(statusKeys: options.statusKeys ?? preset.status, timeKeys: options.timeKeys ?? preset.time)
        case .w3c: return PrefixedParser(W3CParser(), prefix: options.prefix)
        case .cloudfront: return PrefixedParser(W3CParser(defaultFields: W3CParser.cloudFrontFields), prefix: options.prefix)
        case .alb: return PrefixedParser(ALBParser(), prefix: options.prefix)
        case .haproxy:
            if let template = options.template { return TemplateParser(template, prefix: options.prefix) }
            return HAProxyParser()
        case .nginx, .apache:
            if let template = options.template { return TemplateParser(template, prefix: options.prefix) }
            /// No compiled format: the config loader compiles one (a default for nginx) before
            /// this can happen; read nothing as a status rather than guess.
            struct NoTemplateParser: LineParser {
                func parse(_ line: UnsafeRawBufferPointer) -> ParseResult { .unparsed }
            }
            return NoTemplateParser()
        case .regex:
            if let pattern = options.pattern, let p = try? RegexParser(pattern: pattern) { return p }
            /// No pattern, or one that does not compile: every line is `.unparsed`, so nothing is
            /// counted under a status another format guessed. The config loader (`format: regex`
            /// needs a valid `pattern`) and `statusd replay --format regex` (needs a config input
            /// with one) reject this case before it can happen; this is the safe answer if not.
            struct NoPatternParser: LineParser {
                func parse(_ line: UnsafeRawBufferPointer) -> ParseResult { .unparsed }
            }
            return NoPatternParser()
        case .auto: return AutoParser()
        }
    }
}
