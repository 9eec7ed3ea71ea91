import StatusdParse
import StatusdEngine
/// Who may scrape the metrics listener: the `allow` ranges, then basic or bearer authentication,
/// as Prometheus exporters' web configs do. Pure: the listener passes the client's address and
/// `Authorization` header and answers what this says.
///
/// Credentials are compared in constant time (the time does not tell how much of a guess was
/// right), and no answer quotes what was sent.
public struct MetricsAccess: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// 403: the client's address is not in `allow`.
        case forbidden
        /// 401, with this `WWW-Authenticate` challenge.
        case unauthorized(challenge: String)
    }

    public var allow: [AddressRange]
    /// `user:password`, as basic authentication sends it before base64.
    var basic: [UInt8]?
    var bearer: [UInt8]?

    public init(allow: [AddressRange] = [], basic: (username: String, password: String)? = nil, bearer: String? = nil) {
        self.allow = allow
        self.basic = basic.map { Array("\($0.username):\($0.password)".utf8) }
        self.bearer = bearer.map { Array($0.utf8) }
    }

    public func decide(remote: String?, authorization: String?) -> Decision {
        if !allow.isEmpty {
            guard let remote, allow.contains(where: { $0.contains(remote) }) else { return .forbidden }
        }
        if let basic {
            let given = Self.credential(authorization, scheme: "basic").flatMap { Base64.decode(String(decoding: $0, as: UTF8.self)) }
            return Self.equal(given ?? [], basic) && given != nil ? .allowed : .unauthorized(challenge: "Basic realm=\"statusd metrics\", charset=\"UTF-8\"")
        }
        if let bearer {
            let given = Self.credential(authorization, scheme: "bearer")
            return Self.equal(given ?? [], bearer) && given != nil ? .allowed : .unauthorized(challenge: "Bearer realm=\"statusd metrics\"")
        }
        return .allowed
    }

    /// The bytes after `Basic ` / `Bearer ` (scheme case-insensitive).
    static func credential(_ header: String?, scheme: String) -> [UInt8]? {
        guard let header else { return nil }
        let bytes = Array(header.utf8)
        guard bytes.count > scheme.count + 1, bytes[scheme.count] == 0x20,
              String(decoding: bytes[..<scheme.count], as: UTF8.self).lowercased() == scheme else { return nil }
        var rest = bytes[(scheme.count + 1)...]
        while rest.first == 0x20 { rest = rest.dropFirst() }
        while rest.last == 0x20 { rest = rest.dropLast() }
        return Array(rest)
    }

    /// Equal bytes, in time that depends only on the lengths (never on where they differ).
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0
    }
}
