/// One syslog datagram as nginx (`access_log syslog:server=...`), HAProxy (`log ...`) and other
/// senders write it, RFC 3164 (`<190>Dec  7 19:09:22 host nginx: <line>`, the host often left out)
/// or RFC 5424 (`<190>1 2026-12-07T19:09:22.123Z host nginx 42 - - <line>`): the sender's tag
/// and where its message starts.
public struct SyslogMessage: Equatable, Sendable {
    /// The tag (RFC 3164) or APP-NAME (RFC 5424), without `[pid]` and `:`.
    public var tag: Range<Int>
    /// The message: from here to the end of the datagram (a trailing newline is the caller's).
    public var message: Int

    /// Reads the header; nil when the datagram has no `<PRI>`.
    public static func parse(_ p: UnsafeRawBufferPointer) -> SyslogMessage? {
        let n = p.count
        guard n >= 3, p[0] == UInt8(ascii: "<") else { return nil }
        var i = 1
        while i < n, i <= 4, ASCII.isDigit(p[i]) { i += 1 }
        guard i > 1, i < n, p[i] == UInt8(ascii: ">") else { return nil }
        i += 1
        // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
        if i + 1 < n, p[i] == UInt8(ascii: "1"), p[i + 1] == ASCII.space {
            var fields: [Range<Int>] = []
            var s = i + 2
            var k = s
            while fields.count < 5, k <= n {
                if k == n || p[k] == ASCII.space {
                    fields.append(s..<k)
                    s = k + 1
                }
                k += 1
            }
            guard fields.count == 5 else { return nil }
            let app = fields[2]
            var m = fields[4].upperBound + 1
            // Structured data: `-` or one or more `[...]` elements (with `\]` escapes inside).
            if m < n, p[m] == ASCII.dash {
                m += 1
            } else {
                while m < n, p[m] == ASCII.openBracket {
                    m += 1
                    while m < n, p[m] != ASCII.closeBracket { if p[m] == ASCII.backslash { m += 1 }; m += 1 }
                    m += 1
                }
            }
            if m < n, p[m] == ASCII.space { m += 1 }
            // A UTF-8 byte order mark before the message.
            if m + 3 <= n, p[m] == 0xEF, p[m + 1] == 0xBB, p[m + 2] == 0xBF { m += 3 }
            let tag = app.count == 1 && p[app.lowerBound] == ASCII.dash ? app.lowerBound..<app.lowerBound : app
            return SyslogMessage(tag: tag, message: min(m, n))
        }
        // RFC 3164: `Mmm dd hh:mm:ss ` (a day below 10 has a space before it), then an optional
        // host, then `tag[pid]: ` or `tag: `.
        if i + 16 <= n, p[i + 3] == ASCII.space, p[i + 6] == ASCII.space, p[i + 9] == ASCII.colon, p[i + 12] == ASCII.colon,
           p[i + 15] == ASCII.space {
            i += 16
        }
        guard let first = tagEnd(p, from: i) else {
            // A host first, then the tag.
            var h = i
            while h < n, p[h] != ASCII.space { h += 1 }
            guard h < n, let second = tagEnd(p, from: h + 1) else { return SyslogMessage(tag: i..<i, message: i) }
            return SyslogMessage(tag: (h + 1)..<second.tag, message: second.message)
        }
        return SyslogMessage(tag: i..<first.tag, message: first.message)
    }

    /// `tag: ` or `tag[pid]: ` starting at `from`: where the tag ends and the message starts.
    private static func tagEnd(_ p: UnsafeRawBufferPointer, from: Int) -> (tag: Int, message: Int)? {
        var k = from
        let n = p.count
        while k < n, k - from <= 64 {
            let b = p[k]
            if b == ASCII.colon {
                guard k > from else { return nil }
                return (k, k + 1 < n && p[k + 1] == ASCII.space ? k + 2 : k + 1)
            }
            if b == ASCII.openBracket {
                var e = k + 1
                while e < n, ASCII.isDigit(p[e]) { e += 1 }
                guard e < n, p[e] == ASCII.closeBracket, e + 1 < n, p[e + 1] == ASCII.colon, k > from else { return nil }
                return (k, e + 2 < n && p[e + 2] == ASCII.space ? e + 3 : e + 2)
            }
            if b == ASCII.space { return nil }
            k += 1
        }
        return nil
    }
}
