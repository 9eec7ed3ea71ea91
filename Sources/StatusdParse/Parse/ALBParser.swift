/// AWS Application Load Balancer access logs: space separated, quoted request and user agent.
/// `elb_status_code` (the 9th field) is what the client got; ALB writes 460 when the client
/// closed the connection first. The time is the 2nd field (ISO 8601).
///
/// Classic Load Balancer (ELB) lines are read too: they have no leading type field, so every
/// field is one to the left (time first, `elb_status_code` the 8th). A line proves its shape
/// before its status is read: an ISO 8601 time, a `client:port`, and the quoted request where
/// the format has them; an ELB TCP listener's line (`-` statuses) is not an access line.
public struct ALBParser: LineParser {
    private var splitter = FieldSplitter()

    /// The first field: the request type.
    static let types: [[UInt8]] = ["http", "https", "h2", "grpcs", "ws", "wss"].map { Array($0.utf8) }

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        if line.allSatisfy({ $0 == ASCII.space }) { return .ignored }
        splitter.split(line, tab: false)
        guard splitter.ranges.count >= 12, let first = splitter.field(line, 0) else { return .unparsed }
        // ALB: the type, then the fields; Classic ELB: the fields from the time on.
        let base = Self.types.contains(where: { $0.elementsEqual(first) }) ? 1 : 0
        guard splitter.ranges.count >= 12 + base,
              let timeField = splitter.field(line, base), let time = TimeText.rfc3339(timeField),
              let client = splitter.field(line, base + 2), client.contains(ASCII.colon),
              splitter.ranges[base + 11].lowerBound > 0, line[splitter.ranges[base + 11].lowerBound - 1] == ASCII.quote,
              let f = splitter.field(line, base + 7), let status = Digits.status(f) else { return .unparsed }
        return .entry(status: status, time: time)
    }
}
