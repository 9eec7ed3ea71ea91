/// An HTTP status code as a log line states it.
///
/// Logs carry more than the RFC codes: `000` (no response was sent: CloudFront, Akamai),
/// nginx's 499 and 444, the ALB's 460, Cloudflare's 52x. The raw value is the three-digit
/// number, 0 for `000`; anything above 999 cannot be written in three digits and is never made.
public struct StatusCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    /// The largest value plus one: dense per-code tables are this long.
    public static let tableSize = 1000

    
    public init?(_ value: Int) {
        guard value >= 0, value < StatusCode.tableSize else { return nil }
        rawValue = UInt16(value)
    }

    
    public init(unchecked value: UInt16) { rawValue = value }

    /// The status `000`: no HTTP response reached the client.
    public static let noResponse = StatusCode(unchecked: 0)

    /// First digit: 1 to 5 for the RFC classes, 0 for `000`, 6 to 9 for codes no RFC defines.
    public var classDigit: Int { Int(rawValue / 100) }

    /// `true` for 000, nginx 499 and ALB 460: the client went away before a response.
    public var isAbort: Bool { rawValue == 0 || rawValue == 499 || rawValue == 460 }

    /// `true` for Cloudflare's origin errors, 520 to 530.
    public var isCloudflareOriginError: Bool { rawValue >= 520 && rawValue <= 530 }

    public static func < (a: StatusCode, b: StatusCode) -> Bool { a.rawValue < b.rawValue }

    /// Three digits, zero-padded: `000`, `200`, `502`.
    public var description: String {
        let v = Int(rawValue)
        return String(v / 100) + String(v / 10 % 10) + String(v % 10)
    }
}
