/// An input fed by statusd's own syslog listener (`syslog: {listen: ..., tag: nginx}`): nginx
/// (`access_log syslog:server=...`) and HAProxy (`log ...`) send each line as a datagram.
/// Inputs on one address share its socket; each takes its senders' tag, and one without a `tag`
/// takes what no other claims. Syslog keeps nothing for a listener that is down: lines sent
/// while statusd is stopped are lost (said by `statusd check` and the README).
public struct SyslogSelection: Sendable, Equatable {
    public enum Listen: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// A Unix datagram socket at this path (`unix:/run/statusd/syslog.sock`).
        case unix(String)
        /// UDP on this address and port (`udp://127.0.0.1:5514`).
        case udp(host: String, port: Int)

        public var description: String {
            switch self {
            case .unix(let path): return "unix:" + path
            case .udp(let host, let port): return "udp://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
            }
        }

        /// Reads `unix:/path` or `udp://host:port`; nil with why when it is neither.
        public static func parse(_ s: String) -> Result<Listen, SyslogListenError> {
            if s.hasPrefix("unix:") {
                let path = String(s.dropFirst(5))
                guard path.hasPrefix("/"), path.utf8.count < 108 else { return .failure(.init("a unix socket path must be absolute and under 108 bytes")) }
                return .success(.unix(path))
            }
            guard s.hasPrefix("udp://") else { return .failure(.init("`listen` is `unix:/path` or `udp://127.0.0.1:5514`")) }
            var rest = Substring(s.dropFirst(6))
            let host: Substring
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return .failure(.init("an IPv6 address is written in brackets: `udp://[::1]:5514`")) }
                host = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                guard let colon = rest.lastIndex(of: ":") else { return .failure(.init("`udp://` needs a port: `udp://127.0.0.1:5514`")) }
                host = rest[..<colon]
                rest = rest[colon...]
            }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port), !host.isEmpty else {
                return .failure(.init("`udp://` needs a port from 1 to 65535: `udp://127.0.0.1:5514`"))
            }
            return .success(.udp(host: String(host), port: port))
        }

        /// Only this host can send to it.
        public var isLocal: Bool {
            switch self {
            case .unix: return true
            case .udp(let host, _): return host == "localhost" || host == "::1" || host.hasPrefix("127.")
            }
        }
    }

    public struct SyslogListenError: Error, Equatable, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    public var listen: Listen
    /// The senders' tag (RFC 3164 tag, RFC 5424 APP-NAME); nil: every sender no other input claims.
    public var tag: String?

    public init(listen: Listen, tag: String? = nil) {
        self.listen = listen
        self.tag = tag
    }

    public var description: String { "syslog \(listen)" + (tag.map { " tag \($0)" } ?? "") }
}
