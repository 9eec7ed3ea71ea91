/// HAProxy `option httplog`, usually behind a syslog prefix:
/// `client:port [accept_date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes ...`.
/// A status of `-1` (no response was sent) counts as `000`, an abort. Start-up and TCP lines
/// are not access lines and are counted as unparsed.
///
/// The line must prove it is an HTTP log line before its status is read: five timers
/// (`Tq/Tw/Tc/Tr/Ta`; a `tcplog` line has three, `Tw/Tc/Tt`, and its next field is a byte count
/// that would otherwise be read as a status) and a quoted request after the status.
public struct HAProxyParser: LineParser {
    public init() {}

    public func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let n = line.count
        guard n > 0 else { return .ignored }
        // The accept date: `[25/Feb/2019:16:19:48.143]`.
        var i = 0
        var time: Int64?
        while i < n {
            if line[i] == ASCII.openBracket, i + 3 < n, line[i + 3] == ASCII.slash, let t = acceptDate(line, i + 1) {
                time = t
                break
            }
            i += 1
        }
        guard time != nil else { return .unparsed }
        while i < n, line[i] != ASCII.closeBracket { i += 1 }
        i += 1
        // frontend, backend/server, timers, status: the timers hold slashes.
        var timers = 0..<0
        var status = 0..<0
        for k in 0..<4 {
            while i < n, line[i] == ASCII.space { i += 1 }
            let s = i
            while i < n, line[i] != ASCII.space { i += 1 }
            guard s < i else { return .unparsed }
            if k == 2 { timers = s..<i }
            if k == 3 { status = s..<i }
        }
        guard Self.isHTTPTimers(line, timers),
              let code = Digits.status(UnsafeRawBufferPointer(rebasing: line[status])) else { return .unparsed }
        // The request, quoted, after the status (it may be cut by a syslog length limit: its
        // opening quote is enough).
        var q = status.upperBound
        while q < n, line[q] != ASCII.quote { q += 1 }
        guard q < n else { return .unparsed }
        return .entry(status: code, time: time)
    }

    /// `Tq/Tw/Tc/Tr/Ta`: exactly five timers, each digits with an optional `-` (`-1`: not reached)
    /// or `+` (`option logasap`).
    static func isHTTPTimers(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        var timers = 0
        var i = r.lowerBound
        while i < r.upperBound {
            if line[i] == ASCII.dash || line[i] == ASCII.plus { i += 1 }
            let s = i
            while i < r.upperBound, ASCII.isDigit(line[i]) { i += 1 }
            guard i > s else { return false }
            timers += 1
            if i == r.upperBound { break }
            guard line[i] == ASCII.slash else { return false }
            i += 1
            guard i < r.upperBound else { return false }
        }
        return timers == 5
    }

    /// `25/Feb/2019:16:19:48.143` (local time of the proxy, no zone: read as UTC).
    private func acceptDate(_ p: UnsafeRawBufferPointer, _ start: Int) -> Int64? {
        // HAProxy writes milliseconds: `16:19:48.143]`, which tells it from the common log time.
        guard start + 25 <= p.count, p[start + 20] == UInt8(ascii: "."), p[start + 24] == ASCII.closeBracket else { return nil }
        return withUnsafeTemporaryAllocation(byteCount: 26, alignment: 1) { buf in
            buf.copyMemory(from: UnsafeRawBufferPointer(rebasing: p[start..<(start + 20)]))
            buf[20] = ASCII.space
            buf[21] = ASCII.plus
            for k in 22..<26 { buf[k] = ASCII.zero }
            return CommonLogTime.parse(UnsafeRawBufferPointer(buf), from: 0)
        }
    }
}
