/// Shapes `auto` recognizes beyond the formats' own parsers. Each proves its shape on every line
/// before it reads a status, so a line of another shape is `unparsed`.

/// Combined with extra quoted fields before the time (nginx `"$http_x_forwarded_for" $remote_addr
/// ... [$time_local] "$request" $status ...`): read as combined from the `[time] "` on.
public struct QuotedPrefixCombinedParser: LineParser {
    private var inner = CombinedParser()

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let n = line.count
        var i = 0
        while i < n {
            // `[dd/Mon/yyyy:hh:mm:ss +zzzz] "`: 28 bytes of time, then the request's quote.
            if line[i] == ASCII.openBracket, i + 30 < n, line[i + 27] == ASCII.closeBracket, line[i + 28] == ASCII.space,
               line[i + 29] == ASCII.quote, CommonLogTime.parse(line, from: i + 1) != nil {
                return inner.parse(UnsafeRawBufferPointer(rebasing: line[i...]))
            }
            i += 1
        }
        if line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.cr }) { return .ignored }
        return .unparsed
    }
}

/// IIS W3C lines whose `#Fields:` header was not seen (a file picked up mid-way, or headers
/// stripped by a shipper): IIS's default field set, 15 fields since IIS 7.5 (`date time s-ip
/// cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer)
/// sc-status sc-substatus sc-win32-status time-taken`), 14 before (no `cs(Referer)`). A line
/// must have exactly one of those counts, a date and a time first, a method and a path. A
/// `#Fields:` header, when one comes, takes over.
public struct IISDefaultParser: LineParser {
    public static let fields15 = ["date", "time", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "s-port", "cs-username", "c-ip",
                                  "cs(User-Agent)", "cs(Referer)", "sc-status", "sc-substatus", "sc-win32-status", "time-taken"]
    public static let fields14 = fields15.filter { $0 != "cs(Referer)" }
    private var with15 = W3CParser(defaultFields: fields15)
    private var with14 = W3CParser(defaultFields: fields14)
    private var headed: W3CParser?
    private var splitter = FieldSplitter()

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        if line.first == UInt8(ascii: "#") {
            if headed == nil { headed = W3CParser() }
            return headed!.parse(line)
        }
        if headed != nil { return headed!.parse(line) }
        if line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.cr }) { return .ignored }
        splitter.split(line, tab: false)
        let count = splitter.ranges.count
        guard count == 14 || count == 15,
              let date = splitter.field(line, 0), date.count == 10, date[4] == ASCII.dash, date[7] == ASCII.dash,
              let time = splitter.field(line, 1), time.count == 8, time[2] == ASCII.colon, time[5] == ASCII.colon,
              let method = splitter.field(line, 3), !method.isEmpty, method.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }),
              let stem = splitter.field(line, 4), stem.first == ASCII.slash else { return .unparsed }
        return count == 15 ? with15.parse(line) : with14.parse(line)
    }
}
