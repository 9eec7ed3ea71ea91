/// nginx/Apache combined and common log format, and the variants hosts really write.
///
/// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ...`
///
/// The parser anchors on the request: the first `"` opens it; it ends at the next `"` not escaped
/// by a backslash (Apache writes `\"`, nginx `\x22`). The status is the token after it. The time is
/// the `[...]` before the request, when there is one. So a `host:port` vhost prefix, a syslog or
/// container prefix, extra fields after the user agent, a missing ident field and a `"-"` request
/// all parse without configuration.
public struct CombinedParser: LineParser {
    public init() {}

    public func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let n = line.count
        guard n > 0 else { return .ignored }
        // The request's opening quote, and the last '[' before it.
        var i = 0
        var bracket = -1
        while i < n {
            let b = line[i]
            if b == ASCII.quote { break }
            if b == ASCII.openBracket { bracket = i }
            i += 1
        }
        if i == n {
            return isBlank(line) ? .ignored : .unparsed
        }
        // The request, to its closing quote.
        i += 1
        while i < n {
            let b = line[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.quote { break }
            i += 1
        }
        guard i < n else { return .unparsed }
        i += 1
        guard i < n, line[i] == ASCII.space else { return .unparsed }
        while i < n, line[i] == ASCII.space { i += 1 }
        // The status: exactly three digits, then a space or the end of the line.
        guard i + 3 <= n, ASCII.isDigit(line[i]), ASCII.isDigit(line[i + 1]), ASCII.isDigit(line[i + 2]) else {
            return .unparsed
        }
        if i + 3 < n, line[i + 3] != ASCII.space, line[i + 3] != ASCII.tab, line[i + 3] != ASCII.cr { return .unparsed }
        let value = ASCII.digit(line[i]) * 100 + ASCII.digit(line[i + 1]) * 10 + ASCII.digit(line[i + 2])
        let status = StatusCode(unchecked: UInt16(value))
        var time: Int64?
        if bracket >= 0 {
            time = CommonLogTime.parse(line, from: bracket + 1)
        }
        return .entry(status: status, time: time)
    }

    private func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where b != ASCII.space && b != ASCII.tab && b != ASCII.cr { return false }
        return true
    }
}
