import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StatusdCore

/// A chat service's incoming webhook, or a generic signed webhook: one POST per notification.
///
/// The body is the service's payload (`SinkPayload`), the idempotency key goes in the body and in
/// an `Idempotency-Key` header (and `webhook-id` for `webhook`), a per-sink rate limit keeps
/// statusd under the service's limit, and the answer is classified by `HTTPVerdict`. The URL is
/// a secret: errors and logs name the host only.
package struct HTTPAlertSink: AlertSink {
    package let name: String
    package var type: String { kind.rawValue }
    package let kind: SinkConfig.Kind
    package let severities: Set<Severity>?
    package let maxAgeSeconds: Int64?
    let url: SinkURL
    let signer: WebhookSigner?
    let link: LinkTemplate?
    /// `webhook` only: statusd's document or Alertmanager's webhook format.
    let payload: SinkConfig.Payload
    let host: String
    let client: HTTPClient
    let limiter: RateLimiter
    let version: String
    /// The whole request, connect to last byte of the answer.
    let requestTimeout: TimeAmount

    init(config: SinkConfig, url: SinkURL, secret: String?, host: String, client: HTTPClient, version: String,
         requestTimeout: TimeAmount = .seconds(15)) {
        name = config.name
        kind = config.type
        severities = config.severities
        maxAgeSeconds = config.maxAgeSeconds
        self.url = url
        signer = secret.map(WebhookSigner.init(secret:))
        link = config.link
        payload = config.payload
        self.host = host
        self.client = client
        limiter = RateLimiter.forKind(config.type)
        self.version = version
        self.requestTimeout = requestTimeout
    }

    package func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        let body = alertmanagerFormat
            ? AlertmanagerWebhook.render(transition, receiver: name, options: alertmanagerOptions, now: Self.now()).bytes
            : SinkPayload.render(kind, transition, host: host, link: link).bytes
        let key = transition.idempotencyKey ?? "\(transition.rule)/\(transition.kind.rawValue)/\(transition.at)"
        return await post(body, key: key)
    }

    package func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome? {
        let body = alertmanagerFormat
            ? AlertmanagerWebhook.digest(transitions, receiver: name, options: alertmanagerOptions, now: Self.now()).bytes
            : Digest.render(kind, transitions, host: host, key: key).bytes
        return await post(body, key: key)
    }

    /// A `webhook` sink with `payload: alertmanager`.
    var alertmanagerFormat: Bool { kind == .webhook && payload == .alertmanager }

    var alertmanagerOptions: AlertmanagerAlert.Options { AlertmanagerAlert.Options(host: host, link: link) }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// `statusd test-sink`: a clearly marked test message, and the HTTP outcome in words.
    package func sendTest(now: Int64) async -> (outcome: DeliveryOutcome, status: Int?) {
        let body = alertmanagerFormat ? AlertmanagerWebhook.test(sink: name, host: host, at: now).bytes
            : SinkPayload.test(kind, sink: name, host: host, at: now).bytes
        return await post(body, key: "test/\(now)", waitForSlot: false)
    }

    func post(_ body: [UInt8], key: String, waitForSlot: Bool = true) async -> DeliveryOutcome {
        await post(body, key: key, waitForSlot: waitForSlot).outcome
    }

    func post(_ body: [UInt8], key: String, waitForSlot: Bool) async -> (outcome: DeliveryOutcome, status: Int?) {
        if waitForSlot { await limiter.acquire() }
        var request = HTTPClientRequest(url: url.secretValue)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "statusd/\(version)")
        let id = Self.headerSafe(key)
        request.headers.add(name: "Idempotency-Key", value: id)
        if kind == .webhook {
            let timestamp = Int64(Date().timeIntervalSince1970)
            request.headers.add(name: "webhook-id", value: id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            if let signer { request.headers.add(name: "webhook-signature", value: signer.signature(id: id, timestamp: timestamp, body: body)) }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return await Self.execute(request, client: client, timeout: requestTimeout, url: url)
    }

    /// Sends one request and classifies the answer (`HTTPVerdict`, or `classify` for a service
    /// with its own rules); the outcome names the host only. `secrets`: more text to keep out of
    /// an error (a request URL holding a token).
    static func execute(_ request: HTTPClientRequest, client: HTTPClient, timeout: TimeAmount, url: SinkURL, secrets: [String] = [],
                        classify: (Int, String?, [UInt8], String, Int64) -> HTTPVerdict = HTTPVerdict.classify)
        async -> (outcome: DeliveryOutcome, status: Int?) {
        do {
            let response = try await client.execute(request, timeout: timeout)
            var answer: [UInt8] = []
            do {
                for try await chunk in response.body {
                    if answer.count < 4096 { answer += chunk.readableBytesView.prefix(4096 - answer.count) }
                }
            } catch {
                // The status line is what counts; a body cut short does not change it.
            }
            let verdict = classify(Int(response.status.code), response.headers.first(name: "Retry-After"), answer, url.host,
                                   Int64(Date().timeIntervalSince1970))
            return (Self.outcome(verdict), Int(response.status.code))
        } catch {
            var reason = describe(error, url: url, timeout: timeout)
            for s in secrets where !s.isEmpty { reason = reason.replacingOccurrences(of: s, with: "<redacted>") }
            return (.retry(reason: reason, after: nil), nil)
        }
    }

    static func outcome(_ v: HTTPVerdict) -> DeliveryOutcome {
        switch v {
        case .delivered: return .delivered
        case .retry(let reason, let after): return .retry(reason: reason, after: after)
        case .reject(let reason): return .rejected(reason: reason)
        case .disable(let reason): return .disable(reason: reason)
        }
    }

    /// A network error in words, naming the host only: never the URL (its path is a token).
    static func describe(_ error: any Error, url: SinkURL, timeout requestTimeout: TimeAmount) -> String {
        let what: String
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: what = "connect timeout"
            case .deadlineExceeded, .readTimeout, .writeTimeout: what = "timeout after \(requestTimeout.nanoseconds / 1_000_000_000)s"
            case .remoteConnectionClosed: what = "the connection was closed before an answer"
            case .cancelled: what = "cancelled"
            default: what = Self.scrub("\(e)", url)
            }
        } else if error is CancellationError {
            what = "cancelled"
        } else {
            let text = "\(error)"
            if text.contains("refused") || text.contains("ECONNREFUSED") { what = "connection refused" } else { what = Self.scrub(text, url) }
        }
        return "\(what) (\(url.host)\(url.port.map { ":\($0)" } ?? ""))"
    }

    /// Removes the URL (and anything after its host) from an error text.
    static func scrub(_ text: String, _ url: SinkURL) -> String {
        var t = text.replacingOccurrences(of: url.secretValue, with: url.display)
        if let range = t.range(of: "://\(url.host)") {
            // Cut a path that follows the host.
            let after = t[range.upperBound...]
            if let slash = after.firstIndex(of: "/") {
                let end = after[slash...].firstIndex(where: { $0 == " " || $0 == "\"" || $0 == ")" || $0 == "," }) ?? t.endIndex
                t.replaceSubrange(slash..<end, with: "/…")
            }
        }
        return String(t.prefix(300))
    }

    /// Header values: printable ASCII kept, anything else (a group read from a log) percent-encoded.
    static func headerSafe(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if b > 0x20, b < 0x7F, b != 0x25 { out.unicodeScalars.append(Unicode.Scalar(b)) } else { out += String(format: "%%%02X", b) }
        }
        return out
    }
}
