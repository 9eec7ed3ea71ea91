/// AWS Application Load Balancer access logs: space separated, quoted request and user agent.
/// `elb_status_code` (the 9th field) is what the client got; ALB writes 460 when the client
/// closed the connection first. The time is the 2nd field (ISO 8601).
public struct ALBParser: LineParser {
    private var splitter = FieldSplitter()

    /// The first field: the request type.
    static let types: [[UInt8]] = ["http", "https", "h2", "grpcs", "ws", "wss"].map { Array($0.utf8) }

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        if line.allSatisfy({ $0 == ASCII.space }) { return .ignored }
        splitter.split(line, tab: false)
        guard splitter.ranges.count >= 12, let type = splitter.field(line, 0), Self.types.contains(where: { $0.elementsEqual(type) }),
              let f = splitter.field(line, 8), let status = Digits.status(f) else { return .unparsed }
        let time = splitter.field(line, 1).flatMap { TimeText.rfc3339($0) }
        return .entry(status: status, time: time)
    }
}
