import StatusdEngine
/// One HTTP request a paging or push sink makes (PagerDuty, Opsgenie, ntfy, Telegram, Matrix),
/// built without I/O so that each service's request shape is a unit test; the daemon only sends it.
///
/// `url` may hold a secret (Telegram's bot token is part of its path), as may the headers
/// (`Authorization`): neither is ever printed; the daemon shows the host only.
public struct ServiceRequest: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable {
        case post = "POST", put = "PUT"
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: Method
    public var url: String
    public var headers: [Header]
    public var body: JSONValue

    public init(method: Method = .post, url: String, headers: [Header] = [], body: JSONValue) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Where a service sink sends and as whom: its endpoint (`url`, or the service's public one),
/// its credential, its own keys, and the host and link every message carries.
public struct ServiceTarget: Sendable {
    public var kind: SinkConfig.Kind
    /// The endpoint (PagerDuty), base URL (Opsgenie, Telegram), homeserver (Matrix) or topic URL (ntfy).
    public var url: String
    public var credential: String?
    public var settings: ServiceSinkSettings
    public var host: String
    public var link: LinkTemplate?

    public init(kind: SinkConfig.Kind, url: String, credential: String?, settings: ServiceSinkSettings = .init(),
                host: String, link: LinkTemplate? = nil) {
        self.kind = kind
        self.url = url
        self.credential = credential
        self.settings = settings
        self.host = host
        self.link = link
    }

    /// The URL without a trailing `/`, to append API paths to.
    var base: String {
        var s = url
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}

/// The requests of each HTTP service sink: one per notification; a test is one request, or for
/// the paging services a trigger and its resolve (so the test opens no incident that stays open).
public enum ServiceRequests {
    public static func alert(_ t: AlertTransition, _ target: ServiceTarget) -> [ServiceRequest] {
        let content = ChatContent(t, host: target.host, link: target.link)
        switch target.kind {
        case .pagerduty: return [PagerDutyEvent.request(t, content, target)]
        case .opsgenie: return [OpsgenieAlert.request(t, content, target)]
        default: return message(content, target)
        }
    }

    /// One message for a backlog (ntfy, Telegram, Matrix). Nil for PagerDuty and Opsgenie: each
    /// trigger and resolve there opens or closes an incident by its key, so each goes on its own.
    public static func digest(_ ts: [AlertTransition], key: String, _ target: ServiceTarget) -> [ServiceRequest]? {
        switch target.kind {
        case .pagerduty, .opsgenie: return nil
        default: return message(Digest.content(ts, host: target.host, key: key), target)
        }
    }

    /// `statusd test-sink`.
    public static func test(sink: String, at: Int64, _ target: ServiceTarget) -> [ServiceRequest] {
        let content = ChatContent.test(sink: sink, host: target.host, at: at)
        switch target.kind {
        case .pagerduty: return PagerDutyEvent.test(content, target, at: at)
        case .opsgenie: return OpsgenieAlert.test(content, target, at: at)
        default: return message(content, target)
        }
    }

    static func message(_ c: ChatContent, _ target: ServiceTarget) -> [ServiceRequest] {
        switch target.kind {
        case .ntfy: return [NtfyMessage.request(c, target)]
        case .telegram: return [TelegramMessage.request(c, target)]
        case .matrix: return [MatrixMessage.request(c, target)]
        default: return []
        }
    }

    /// An alert id as a service's key (PagerDuty's `dedup_key`, Opsgenie's `alias`): cleaned like
    /// any untrusted text (a group from a log line is part of it), with a hash of the raw id when
    /// cleaning changed it (two ids never share a key), and cut to `max`. The same id gives the
    /// same key on every retry and after a restart.
    public static func serviceKey(_ id: String, _ max: Int) -> String {
        let clean = Untrusted.clean(id, max: 4096)
        return bounded(clean == id ? id : clean + "#" + String(hash(id), radix: 16), max)
    }

    /// A key cut to a service's limit: as it is when it fits, else its start and a hash of the
    /// whole (two long ids with the same start stay apart).
    public static func bounded(_ key: String, _ max: Int) -> String {
        guard key.utf8.count > max else { return key }
        let hex = String(hash(key), radix: 16)
        return Trim.utf8Prefix(key, max - hex.count - 1) + "#" + hex
    }
}

extension ServiceRequests {
    /// FNV-1a of the text's bytes: stable across runs and builds (a key must be the same after a restart).
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

extension Trim {
    /// Whole characters up to `max` UTF-8 bytes, no ellipsis (for keys and ids).
    public static func utf8Prefix(_ s: String, _ max: Int) -> String {
        var out = ""
        var n = 0
        for c in s {
            let w = c.utf8.count
            if n + w > max { break }
            out.append(c)
            n += w
        }
        return out
    }
}
