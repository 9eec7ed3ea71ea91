/// The `metrics:` section: where the Prometheus listener answers, if anywhere.
///
/// Off unless configured: a port opened without being asked for is a surprise on a web host.
public struct MetricsConfig: Sendable, Equatable {
    /// The host (an IPv4 or IPv6 address, or a name) and port to listen on, from `listen: "127.0.0.1:9464"`.
    public var host: String
    public var port: Int
    /// Connections served at once; a new one beyond it is answered 503 and closed.
    public var maxConnections: Int

    public static let defaultMaxConnections = 64

    public init(host: String, port: Int, maxConnections: Int = Self.defaultMaxConnections) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
    }

    /// `host:port` as configured (IPv6 in brackets).
    public var listen: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Splits `127.0.0.1:9464`, `[::1]:9464` or `localhost:9464`; nil when either half is missing
    /// or the port is not 1-65535.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil } // IPv6 needs brackets
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace),
              portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
