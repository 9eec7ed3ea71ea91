/// One entry of `sinks:`: a chat service or a webhook that alerts are posted to.
///
/// The URL and the secret are secrets: they appear in no log line, status output or error. What
/// statusd shows of a sink is its name, its type and the URL's host (`SinkURL.host`).
public struct SinkConfig: Sendable, Equatable {
    /// The services statusd speaks to (`type:`).
    public enum Kind: String, Sendable, Equatable, CaseIterable, Codable {
        case slack, mattermost, discord, teams, googlechat, webhook, alertmanager
        /// Paging, push and mail services (`ServiceSinkConfig.swift`).
        case pagerduty, opsgenie, email, ntfy, telegram, matrix
    }

    /// What a `webhook` sink posts (`payload:`): statusd's own document, or Alertmanager's
    /// webhook format for receivers built for it.
    public enum Payload: String, Sendable, Equatable, CaseIterable {
        case statusd, alertmanager
    }

    /// Where a secret value (URL or signing key) comes from.
    public enum Source: Sendable, Equatable {
        /// Written in the config itself (`url:`, `secret:`).
        case inline(String)
        /// Read from a file at start and reload (`url_file:`, `secret_file:`); surrounding white space dropped.
        case file(String)
        /// Read from the environment (`url_env:`, `secret_env:`).
        case env(String)

        public var isInline: Bool { if case .inline = self { return true } else { return false } }

        /// How an error may name it: never the value itself.
        public var origin: String {
            switch self {
            case .inline: return "inline"
            case .file(let p): return "file \(p)"
            case .env(let v): return "environment variable \(v)"
            }
        }
    }

    public var name: String
    public var type: Kind
    public var url: Source
    /// More URLs of the same sink (`urls:` of an Alertmanager cluster): each gets every notification.
    public var extraURLs: [Source] = []
    /// `webhook` only: the body's format.
    public var payload: Payload = .statusd
    /// `alertmanager` only: how often firing alerts are sent again (`resend_interval`).
    public var resendIntervalSeconds: Int64 = 60
    /// `alertmanager` only: how long resolved alerts are sent again (`resend_resolved_for`).
    public var resendResolvedSeconds: Int64 = 300
    /// `alertmanager` only: each alert's `generatorURL` (`generator_url`, placeholders as `link`).
    public var generatorURL: LinkTemplate?
    /// The signing key (webhook only).
    public var secret: Source?
    /// Only these severities go to the sink; nil: all.
    public var severities: Set<Severity>?
    /// A link template put in each message (`{host}`, `{since}`, ...).
    public var link: LinkTemplate?
    /// Notifications this old are given up on for this sink (and reported).
    public var maxAgeSeconds: Int64 = 86_400
    /// `after: 15m`: an escalation sink, which gets an alert only once it has fired this long ago
    /// and is still firing, unsilenced and unacknowledged; nil: at once.
    public var afterSeconds: Int64?
    /// Where the sink is written: resolution errors (a missing url_file) point there.
    public var place: ConfigPlace
    /// The paging, push and mail services' own keys (`routing_key`, `smtp`, `chat_id`, ...).
    public var service = ServiceSinkSettings()
    /// Where its URL and secret are written.
    public var urlPlace: ConfigPlace
    public var secretPlace: ConfigPlace?

    public init(name: String, type: Kind, url: Source, secret: Source? = nil, severities: Set<Severity>? = nil,
                link: LinkTemplate? = nil, place: ConfigPlace = ConfigPlace(file: "-", line: 1, column: 1)) {
        self.name = name
        self.type = type
        self.url = url
        self.secret = secret
        self.severities = severities
        self.link = link
        self.place = place
        self.urlPlace = place
    }

    /// Whether this sink takes alerts of `severity`.
    public func takes(_ severity: Severity) -> Bool { severities?.contains(severity) ?? true }

    /// The config holds a URL or a secret in plain text (`check` warns when others can read it).
    public var hasInlineSecret: Bool {
        (url.isInline && !service.defaultURL) || (secret?.isInline ?? false) || (service.credential?.isInline ?? false)
    }

    /// `url` and the `urls` after it.
    public var allURLs: [Source] { [url] + extraURLs }
}

/// A place in a config file, for errors found after loading (a `url_file` that cannot be read).
public struct ConfigPlace: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: column, message: message)
    }
}

/// A webhook URL, checked without keeping it anywhere it could be printed: only `host` is shown.
public struct SinkURL: Sendable, Equatable {
    /// The whole URL: a secret (Slack, Discord and Google Chat URLs carry their tokens).
    public let secretValue: String
    public let scheme: String
    public let host: String
    public let port: Int?

    /// nil when `text` is not an absolute http or https URL with a host.
    public init?(_ text: String) {
        let s = text.trimmingSpaces()
        let lower = s.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        let rest = s.dropFirst(scheme.count + 3)
        var authority = Substring(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()); if port == nil { return nil } }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = Int(authority[authority.index(after: colon)...])
            if port == nil { return nil }
        }
        guard !host.isEmpty, !s.contains(" "), !s.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        if let p = port, !(1...65535).contains(p) { return nil }
        self.secretValue = s
        self.scheme = scheme
        self.host = String(host).lowercased()
        self.port = port
    }

    /// `https://hooks.slack.com/…`: what statusd may show of it.
    public var display: String { "\(scheme)://\(host)/…" }

    /// A loopback host, where plain http is fine.
    public var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }
}

extension SinkURL: CustomStringConvertible, CustomDebugStringConvertible {
    /// Never the URL itself, even by accident in string interpolation.
    public var description: String { display }
    public var debugDescription: String { display }
}
