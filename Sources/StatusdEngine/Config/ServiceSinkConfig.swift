/// The keys of the paging, push and mail sinks (`pagerduty`, `opsgenie`, `email`, `ntfy`,
/// `telegram`, `matrix`), kept apart from the chat sinks' so those stay as they were.
///
/// Each service has one credential (`routing_key`, `api_key`, `password` or `token`, each also as
/// `*_file` and `*_env`): a secret like a chat sink's URL, never quoted in an error, a log line or
/// status. Email's addresses and server are not secrets but are checked here so that no CR or LF
/// can reach an SMTP command or a mail header.
public struct ServiceSinkSettings: Sendable, Equatable {
    /// How an `email` sink talks to its server (`tls:`).
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain connection, then `STARTTLS` before anything else (port 587).
        case starttls
        /// TLS from the first byte (port 465).
        case implicit
        /// No TLS (a relay on the same host); AUTH is refused unless the server is on loopback.
        case none
    }

    /// `routing_key`, `api_key`, `token` or `password`, as written (inline, a file, a variable).
    public var credential: Source?
    public var credentialPlace: ConfigPlace?
    /// The config gave no `url`: the sink uses its service's public endpoint.
    public var defaultURL = false
    /// `telegram`: the chat (a number, or `@channelusername`).
    public var chatID: String?
    /// `opsgenie`: `region: eu` for `https://api.eu.opsgenie.com` (when `url` is not given).
    public var region: String?
    /// `matrix`: the room id (`!abc:example.org`; the send API takes no alias).
    public var room: String?
    /// `email`: the submission server (`smtp: host:port`).
    public var smtpHost: String?
    public var smtpPort: Int = 587
    public var tls: TLSMode = .starttls
    public var username: String?
    /// `email`: PEM certificates trusted besides the system's CA store (`ca_file`: a private CA).
    public var caFile: String?
    public var from: String?
    public var to: [String] = []

    public typealias Source = SinkConfig.Source

    public init() {}
}

extension SinkConfig.Kind {
    /// The paging, push and mail services (not a chat webhook).
    public var isService: Bool {
        switch self {
        case .pagerduty, .opsgenie, .email, .ntfy, .telegram, .matrix: return true
        default: return false
        }
    }

    /// The config key of the sink's credential, when it has one.
    public var credentialKey: String? {
        switch self {
        case .pagerduty: return "routing_key"
        case .opsgenie: return "api_key"
        case .email: return "password"
        case .ntfy, .telegram, .matrix: return "token"
        default: return nil
        }
    }

    /// Whether the credential must be given (ntfy topics may be open, mail may go unauthenticated).
    public var credentialRequired: Bool { self == .pagerduty || self == .opsgenie || self == .telegram || self == .matrix }

    /// The service's public endpoint, used when `url` is left out (nil: `url` is required, or,
    /// for email, not taken).
    public var defaultURL: String? {
        switch self {
        case .pagerduty: return "https://events.pagerduty.com/v2/enqueue"
        case .opsgenie: return "https://api.opsgenie.com"
        case .telegram: return "https://api.telegram.org"
        default: return nil
        }
    }
}

/// Checks on the values of the service keys, shared by the config loader and the daemon (a
/// credential read from a file is checked when it is read).
public enum ServiceSinkCheck {
    /// Why a credential cannot be used (it goes into an HTTP header, a URL path or an SMTP
    /// command: no white space or control characters), without quoting it; nil when fine.
    public static func credentialProblem(_ value: String, key: String) -> String? {
        if value.isEmpty { return "`\(key)` is empty" }
        if value.utf8.count > 4096 { return "`\(key)` is longer than 4096 bytes (the value is not shown)" }
        if value.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "`\(key)` contains white space or control characters (the value is not shown: it is a secret)"
        }
        return nil
    }

    /// `alerts@example.org`: one `@`, a local part and a domain of printable ASCII without
    /// white space, `<`, `>`, `,`, `;`, quotes or brackets (so it is one address in a header and
    /// in `MAIL FROM:<...>`).
    public static func isMailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, s.utf8.count <= 254 else { return false }
        return s.utf8.allSatisfy { b in b > 0x20 && b < 0x7F && !"<>,;\"()[]\\:".utf8.contains(b) }
    }

    /// `smtp.example.org:587`, `[::1]:25`: the host and port, nil when malformed.
    public static func hostPort(_ s: String) -> (host: String, port: Int)? {
        let t = s.trimmingSpaces()
        var host: Substring, portText: Substring
        if t.hasPrefix("[") {
            guard let close = t.firstIndex(of: "]"), t[t.index(after: close)...].hasPrefix(":") else { return nil }
            host = t[t.index(after: t.startIndex)..<close]
            portText = t[t.index(close, offsetBy: 2)...]
        } else {
            guard let colon = t.lastIndex(of: ":") else { return nil }
            host = t[..<colon]
            portText = t[t.index(after: colon)...]
        }
        guard let port = Int(portText), (1...65535).contains(port), !host.isEmpty,
              host.utf8.allSatisfy({ b in b > 0x20 && b < 0x7F && b != 0x2F && b != 0x40 }) else { return nil }
        return (String(host), port)
    }

    /// A loopback host, where mail may go without TLS.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// A Telegram chat id or a Matrix room: printable, no white space, at most 255 bytes.
    public static func isPlainID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 255 && s.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
