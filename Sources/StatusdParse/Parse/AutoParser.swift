/// Detects a file's format from its first lines, then parses the rest with it.
///
/// Candidates are tried in an order that avoids false positives (W3C headers, JSON presets by
/// their keys, ALB, HAProxy, then combined). The first one that reads an access line is kept;
/// `detected` names it for `statusd status`.
public struct AutoParser: LineParser {
    /// The parser of the detected format, once there is one.
    private(set) var chosen: (any LineParser)?
    private(set) var w3c = W3CParser()
    private var sawW3CHeader = false
    public private(set) var detected: LogFormat?
    /// The shape within `detected` when it is not the format's plain parser: `quoted fields before
    /// the time` (combined), `IIS default fields, no header` (w3c). Shown in status beside the format.
    public private(set) var shape: String?
    /// Made once: tried on every line until a format is chosen.
    private var iisShape = IISDefaultParser()
    private var quotedShape = QuotedPrefixCombinedParser()

    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        // Mutated where it is: copying it out and back would copy a stateful parser per line.
        if chosen != nil { return chosen!.parse(line) }
        if line.first == UInt8(ascii: "#") {
            sawW3CHeader = true
            _ = w3c.parse(line)
            return .ignored
        }
        if line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) { return .ignored }
        for format in candidates(line) {
            var p: any LineParser = format == .w3c || format == .cloudfront ? w3c : format.makeParser()
            if case .entry = p.parse(line) {
                chosen = p
                detected = format
                return p.parse(line)
            }
        }
        // Shapes tried last, so that none of them takes a line a format's own parser reads.
        if !sawW3CHeader {
            if case .entry = iisShape.parse(line) {
                return choose(iisShape, .w3c, "IIS default fields, no header", line)
            }
            if case .entry = quotedShape.parse(line) {
                return choose(quotedShape, .combined, "quoted fields before the time", line)
            }
        }
        return .unparsed
    }

    private mutating func choose(_ p: any LineParser, _ format: LogFormat, _ name: String, _ line: UnsafeRawBufferPointer) -> ParseResult {
        chosen = p
        detected = format
        shape = name
        return chosen!.parse(line)
    }

    /// As `parse(_:)`; once a format is chosen, its parser may hold lines (JSON over several lines).
    public mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void) {
        if chosen != nil { chosen!.parse(line, into: body) } else { body(parse(line)) }
    }

    public mutating func finish(_ body: (ParseResult) -> Void) {
        if chosen != nil { chosen!.finish(body) }
    }

    private func candidates(_ line: UnsafeRawBufferPointer) -> [LogFormat] {
        if sawW3CHeader { return [line.contains(ASCII.tab) ? .cloudfront : .w3c] }
        if line.contains(UInt8(ascii: "{")) {
            let text = String(decoding: line.prefix(4096), as: UTF8.self)
            if text.contains("\"EdgeResponseStatus\"") { return [.cloudflare] }
            if text.contains("\"reqTimeSec\"") && text.contains("\"statusCode\"") { return [.akamai] }
            if text.contains("\"DownstreamStatus\"") { return [.traefik] }
            if text.contains("\"ts\"") && text.contains("\"status\"") { return [.caddy] }
            if text.contains("\"status\"") { return [.json] }
        }
        if line.count > 10, line.contains(ASCII.tab) { return [.cloudfront, .combined] }
        return [.alb, .haproxy, .combined]
    }
}
