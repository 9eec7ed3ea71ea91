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

    /// Clients allowed to connect (`allow:`, CIDR ranges); empty: any. Others are answered 403.
    public var allow: [AddressRange] = []
    /// `basic_auth: {username, password | password_env | password_file}`.
    public var basicAuth: MetricsBasicAuth?
    /// `bearer_token` / `bearer_token_env` / `bearer_token_file`.
    public var bearerToken: SinkConfig.Source?
    /// Where `listen`, and a password or token, are written (for warnings and errors found later).
    public var listenPlace: ConfigPlace?
    public var secretPlace: ConfigPlace?

    /// Listening on loopback only (127.0.0.0/8, ::1, localhost): no one else can reach it.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        guard let a = AddressRange.parse(host) else { return false }
        return a.count == 4 ? a[0] == 127 : a == Array(repeating: 0, count: 15) + [1]
    }

    /// The password or token source, whichever is configured.
    public var credential: SinkConfig.Source? { basicAuth?.password ?? bearerToken }

    /// Equal in what they do; where they are written does not count.
    public static func == (a: Self, b: Self) -> Bool {
        a.host == b.host && a.port == b.port && a.maxConnections == b.maxConnections && a.allow == b.allow
            && a.basicAuth == b.basicAuth && a.bearerToken == b.bearerToken
    }

    /// Password or token written in the config itself.
    public var inlineSecrets: [String] {
        if case .inline(let v) = credential { return [v] }
        return []
    }

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

/// The metrics listener's basic authentication: one user.
public struct MetricsBasicAuth: Sendable, Equatable {
    public var username: String
    public var password: SinkConfig.Source

    public init(username: String, password: SinkConfig.Source) {
        self.username = username
        self.password = password
    }
}
