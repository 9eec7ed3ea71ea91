#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A prefix some transports put before each log line: syslog (`Nov 20 10:00:00 host tag: `) or a
/// container runtime (`caddy  | `).
///
/// Formats that find their fields by content (combined, HAProxy, JSON) read through a prefix as
/// it is. Formats that count fields (W3C, CloudFront, ALB) need it removed: `auto` removes a
/// prefix when one is there, `syslog` and `container` always expect theirs, `none` never looks.
public enum LinePrefix: String, Sendable, CaseIterable, Codable {
    case auto, none, syslog, container

    /// Where the line proper starts.
    public func start(of p: UnsafeRawBufferPointer) -> Int {
        switch self {
        case .none: return 0
        case .syslog: return Self.syslogEnd(p) ?? 0
        case .container: return Self.containerEnd(p) ?? 0
        case .auto: return Self.syslogEnd(p) ?? Self.containerEnd(p) ?? 0
        }
    }

    /// `Mmm dd hh:mm:ss host tag[pid]: `
    static func syslogEnd(_ p: UnsafeRawBufferPointer) -> Int? {
        guard p.count > 20, (0x41...0x5A).contains(p[0]), (0x61...0x7A).contains(p[1]), (0x61...0x7A).contains(p[2]),
              p[3] == ASCII.space, p[6] == ASCII.space, p[9] == ASCII.colon, p[12] == ASCII.colon, p[15] == ASCII.space
        else { return nil }
        var i = 16
        while i < p.count, p[i] != ASCII.space { i += 1 } // host
        i += 1
        while i < p.count, p[i] != ASCII.space {           // tag, ends with ':'
            if p[i] == ASCII.colon, i + 1 < p.count, p[i + 1] == ASCII.space { return i + 2 }
            i += 1
        }
        return nil
    }

    /// `name  | `
    static func containerEnd(_ p: UnsafeRawBufferPointer) -> Int? {
        // The first space or '|' within the first 128 bytes (found with memchr), else the 128th byte.
        let window = min(p.count, 128)
        var i = window
        if let base = p.baseAddress, window > 0 {
            if let hit = memchr(base, Int32(ASCII.space), window) { i = UnsafeRawPointer(hit) - base }
            if let hit = memchr(base, Int32(UInt8(ascii: "|")), i) { i = UnsafeRawPointer(hit) - base }
        }
        guard i > 0 else { return nil }
        while i < p.count, p[i] == ASCII.space { i += 1 }
        guard i + 1 < p.count, p[i] == UInt8(ascii: "|"), p[i + 1] == ASCII.space else { return nil }
        return i + 2
    }
}

/// Strips a prefix before handing lines to a format that counts fields.
public struct PrefixedParser: LineParser {
    private(set) var inner: any LineParser
    private let prefix: LinePrefix

    public init(_ inner: any LineParser, prefix: LinePrefix) {
        self.inner = inner
        self.prefix = prefix
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        let start = prefix.start(of: line)
        return inner.parse(UnsafeRawBufferPointer(rebasing: line[start...]))
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer, into body: (ParseResult) -> Void) {
        let start = prefix.start(of: line)
        inner.parse(UnsafeRawBufferPointer(rebasing: line[start...]), into: body)
    }

    public mutating func finish(_ body: (ParseResult) -> Void) { inner.finish(body) }
}
