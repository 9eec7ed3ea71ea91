#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Labels of W3C extended lines (IIS, CloudFront): the fields the last `#Fields:` header named.
/// Host: CloudFront's `x-host-header` (what the viewer asked for) before `cs(Host)` (the
/// distribution's domain) and IIS `cs-host`; path: `cs-uri-stem`. Neither carries an upstream.
struct W3CLabels: Sendable {
    private var host: Int?
    private var path: Int?
    private var needed = 0
    private var splitter = FieldSplitter()
    private let prefix: LinePrefix

    init(defaultFields: [String]?, prefix: LinePrefix) {
        self.prefix = prefix
        if let f = defaultFields { setFields(f) }
    }

    private mutating func setFields(_ names: [String]) {
        host = names.firstIndex(of: "x-host-header") ?? names.firstIndex(of: "cs(Host)") ?? names.firstIndex(of: "cs-host")
        path = names.firstIndex(of: "cs-uri-stem")
        needed = [host, path].compactMap { $0 }.max().map { $0 + 1 } ?? 0
    }

    /// Follows a `#Fields:` header (header lines are rare: a String here is fine).
    mutating func observe(_ p: UnsafeRawBufferPointer) {
        let line = UnsafeRawBufferPointer(rebasing: p[prefix.start(of: p)...])
        guard line.first == UInt8(ascii: "#") else { return }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("#Fields:") else { return }
        setFields(text.dropFirst(8).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }

    mutating func extract(_ p: UnsafeRawBufferPointer) -> LineLabels {
        guard needed > 0 else { return LineLabels() }
        let start = prefix.start(of: p)
        let line = UnsafeRawBufferPointer(rebasing: p[start...])
        let tab = line.baseAddress.map { memchr($0, Int32(ASCII.tab), line.count) != nil } ?? false
        splitter.split(line, tab: tab, limit: needed)
        func field(_ k: Int?) -> Range<Int>? {
            guard let k, k < splitter.ranges.count else { return nil }
            let r = splitter.ranges[k]
            return LabelBytes.value(line, r).map { ($0.lowerBound + start)..<($0.upperBound + start) }
        }
        return LineLabels(host: field(host), path: field(path))
    }
}

/// Labels of AWS ALB lines: host and path from the request URL
/// (`"GET https://shop.example:443/cart?x=1 HTTP/1.1"`), upstream from `target:port`.
struct ALBLabels: Sendable {
    private var splitter = FieldSplitter()
    private let prefix: LinePrefix

    init(prefix: LinePrefix) { self.prefix = prefix }

    mutating func extract(_ p: UnsafeRawBufferPointer) -> LineLabels {
        let start = prefix.start(of: p)
        let line = UnsafeRawBufferPointer(rebasing: p[start...])
        splitter.split(line, tab: false, limit: 13)
        guard splitter.ranges.count >= 13 else { return LineLabels() }
        func shifted(_ r: Range<Int>?) -> Range<Int>? { r.map { ($0.lowerBound + start)..<($0.upperBound + start) } }
        var labels = LineLabels(upstream: shifted(LabelBytes.value(line, splitter.ranges[4])))
        if let target = LabelBytes.requestTarget(line, splitter.ranges[12]) {
            let url = LabelBytes.splitURL(line, target)
            labels.host = shifted(url.authority)
            labels.path = shifted(url.path)
        }
        return labels
    }
}

/// Labels of HAProxy httplog lines: upstream `backend/server` (the field after the frontend) and
/// the path of the quoted request at the end. httplog names no virtual host (unless captured).
enum HAProxyLabels {
    static func extract(_ p: UnsafeRawBufferPointer) -> LineLabels {
        guard let base = p.baseAddress else { return LineLabels() }
        var labels = LineLabels()
        // The accept date (` [25/Feb/2019:...]`, not a syslog tag's `haproxy[7]`), then frontend,
        // then backend/server.
        var open = 1
        while open + 1 < p.count, !(p[open] == ASCII.openBracket && p[open - 1] == ASCII.space && ASCII.isDigit(p[open + 1])) { open += 1 }
        if open + 1 < p.count, let hit = memchr(base + open, Int32(ASCII.closeBracket), p.count - open) {
            var i = UnsafeRawPointer(hit) - base + 1
            for k in 0..<2 {
                while i < p.count, p[i] == ASCII.space { i += 1 }
                let from = i
                while i < p.count, p[i] != ASCII.space { i += 1 }
                if k == 1, from < i, memchr(base + from, Int32(ASCII.slash), i - from) != nil { labels.upstream = from..<i }
            }
        }
        // The request: the last quoted field.
        var close = p.count - 1
        while close > 0, p[close] != ASCII.quote { close -= 1 }
        var quote = close - 1
        while quote >= 0, p[quote] != ASCII.quote { quote -= 1 }
        if quote >= 0, quote < close, let target = LabelBytes.requestTarget(p, (quote + 1)..<close) {
            let url = LabelBytes.splitURL(p, target)
            labels.path = url.path
            labels.host = url.authority
        }
        return labels
    }
}
