/// Re-reads a line the fast parser already counted, for its labels (virtual host, path,
/// upstream), with the function of the input's format. One per input, because W3C follows its
/// `#Fields:` headers.
///
/// The parsers stay as they are: they find the status as fast as they can and know nothing of
/// labels. The monitor calls this only for lines some rule needs labels of (a status a rule
/// matches, or every line of an input a `group_by: [host]` rule watches), so healthy traffic pays
/// nothing when no rule groups by a label.
public struct LabelExtractor: Sendable {
    private enum Kind: Sendable {
        case combined
        case json(JSONLabels)
        case w3c(W3CLabels)
        case alb(ALBLabels)
        case haproxy
        /// nginx, apache, haproxy with a `log_format`: the fields the format names.
        case template(TemplateLabels)
        /// `auto`: JSON when the line holds an object, else combined.
        case guess(JSONLabels)
        case none
    }

    private var kind: Kind
    private let prefix: LinePrefix
    public let format: LogFormat
    /// The input it reads for (kept across a reload while the input keeps its name and format).
    public var input = ""

    public init(format: LogFormat, options: FormatOptions = FormatOptions()) {
        self.format = format
        prefix = options.prefix
        switch format {
        case .combined, .common: kind = .combined
        case .json, .nginxJSON, .caddy, .traefik, .cloudflare, .akamai: kind = .json(JSONLabels(JSONLabels.keys(format)))
        case .w3c: kind = .w3c(W3CLabels(defaultFields: nil, prefix: options.prefix))
        case .cloudfront: kind = .w3c(W3CLabels(defaultFields: W3CParser.cloudFrontFields, prefix: options.prefix))
        case .alb: kind = .alb(ALBLabels(prefix: options.prefix))
        case .haproxy: kind = .haproxy
        case .auto: kind = .guess(JSONLabels(JSONLabels.keys(.json)))
        case .regex: kind = .none
        case .nginx, .apache: kind = .none
        }
        if let t = options.template { kind = .template(TemplateLabels(t, prefix: options.prefix)) }
    }

    /// `true` for formats that may yield labels (regex yields none).
    public var yieldsLabels: Bool { if case .none = kind { return false } else { return true } }

    /// `true` when lines the parser ignored must still be shown to `observe` (W3C headers).
    public var followsHeaders: Bool { if case .w3c = kind { return true } else { return false } }

    /// A line the parser ignored: a W3C header may change the field order.
    public mutating func observe(_ line: UnsafeRawBufferPointer) {
        guard case .w3c(var w) = kind else { return }
        kind = .none
        w.observe(line)
        kind = .w3c(w)
    }

    /// The labels of one access line.
    public mutating func extract(_ line: UnsafeRawBufferPointer) -> LineLabels {
        switch kind {
        case .combined: return CombinedLabels.extract(line, prefix: prefix)
        case .haproxy: return HAProxyLabels.extract(line)
        case .json(var j):
            kind = .none
            defer { kind = .json(j) }
            return j.extract(line)
        case .w3c(var w):
            kind = .none
            defer { kind = .w3c(w) }
            return w.extract(line)
        case .alb(var a):
            kind = .none
            defer { kind = .alb(a) }
            return a.extract(line)
        case .template(var t):
            kind = .none
            defer { kind = .template(t) }
            return t.extract(line)
        case .guess(var j):
            // A JSON line starts with its object (after a prefix of at most a container name).
            let brace = line.prefix(160).firstIndex(of: UInt8(ascii: "{"))
            let quote = line.prefix(160).firstIndex(of: ASCII.quote)
            guard let b = brace, quote.map({ b < $0 }) ?? true else { return CombinedLabels.extract(line, prefix: prefix) }
            kind = .none
            defer { kind = .guess(j) }
            return j.extract(line)
        case .none: return LineLabels()
        }
    }
}

extension LabelExtractor {
    /// The labels of a String line as text (tests and tools): host normalised, path folded.
    public mutating func labels(of line: String) -> (host: String?, path: String?, upstream: String?) {
        var copy = line
        return copy.withUTF8 { b in
            let p = UnsafeRawBufferPointer(b)
            let l = extract(p)
            func text(_ r: Range<Int>?, _ f: (UnsafeRawBufferPointer, Range<Int>, inout [UInt8]) -> Void) -> String? {
                guard let r else { return nil }
                var out: [UInt8] = []
                f(p, r, &out)
                return String(decoding: out, as: UTF8.self)
            }
            return (text(l.host) { LabelText.host($0, $1, into: &$2) },
                    text(l.path) { LabelText.path($0, $1, into: &$2) },
                    text(l.upstream) { LabelText.upstream($0, $1, into: &$2) })
        }
    }

    /// Feeds a line the parser ignored (a header) from a String (tests and tools).
    public mutating func observe(_ line: String) {
        var copy = line
        copy.withUTF8 { observe(UnsafeRawBufferPointer($0)) }
    }
}
