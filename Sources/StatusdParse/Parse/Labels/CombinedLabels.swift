#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Labels of a combined / common line: the virtual host of a vhost prefix (Apache
/// `vhost_combined` `%v:%p`, or nginx `$host` first) or of an absolute request URL, and the request
/// path. Combined has no upstream field.
enum CombinedLabels {
    static func extract(_ p: UnsafeRawBufferPointer, prefix: LinePrefix) -> LineLabels {
        guard let base = p.baseAddress, let hit = memchr(base, Int32(ASCII.quote), p.count) else { return LineLabels() }
        let open = UnsafeRawPointer(hit) - base
        var labels = LineLabels()
        // The request: to the closing quote (a backslash escapes the byte after it).
        var close = open + 1
        while close < p.count, p[close] != ASCII.quote {
            if p[close] == ASCII.backslash { close += 1 }
            close += 1
        }
        close = min(close, p.count)
        if let target = LabelBytes.requestTarget(p, (open + 1)..<close), target.count > 0 {
            let url = LabelBytes.splitURL(p, target)
            labels.path = url.path
            labels.host = url.authority
        }
        // A vhost prefix: one token more than `addr ident user` before the time's bracket.
        let start = prefix.start(of: p)
        var tokens = 0, first: Range<Int>?
        var i = start
        while i < open, p[i] != ASCII.openBracket {
            while i < open, p[i] == ASCII.space { i += 1 }
            guard i < open, p[i] != ASCII.openBracket else { break }
            let from = i
            while i < open, p[i] != ASCII.space { i += 1 }
            if tokens == 0 { first = from..<i }
            tokens += 1
        }
        if tokens == 4, let v = LabelBytes.value(p, first) { labels.host = v }
        return labels
    }
}
