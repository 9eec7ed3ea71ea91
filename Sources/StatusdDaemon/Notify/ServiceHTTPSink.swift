import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StatusdCore

/// A paging or push service reached over HTTPS: PagerDuty, Opsgenie, ntfy, Telegram, Matrix.
/// The requests are the core's (`ServiceRequests`); this sends them on the shared client, under
/// the service's rate limit, and classifies the answers (`HTTPVerdict.classifyService`).
///
/// The credential goes in a header or (Telegram) the URL's path: neither is ever in an error or a
/// log line (errors name the host; the process's redactor has the credential too).
package struct ServiceHTTPSink: AlertSink, TestableSink {
    package let name: String
    package var type: String { target.kind.rawValue }
    package let severities: Set<Severity>?
    package let maxAgeSeconds: Int64?
    let url: SinkURL
    let target: ServiceTarget
    let client: HTTPClient
    let limiter: RateLimiter
    let version: String
    let requestTimeout: TimeAmount

    init(config: SinkConfig, url: SinkURL, credential: String?, host: String, client: HTTPClient, version: String,
         requestTimeout: TimeAmount = .seconds(15)) {
        name = config.name
        severities = config.severities
        maxAgeSeconds = config.maxAgeSeconds
        self.url = url
        target = ServiceTarget(kind: config.type, url: url.secretValue, credential: credential, settings: config.service, host: host, link: config.link)
        self.client = client
        limiter = RateLimiter.forKind(config.type)
        self.version = version
        self.requestTimeout = requestTimeout
    }

    package var display: String { url.display }

    package func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        let key = transition.idempotencyKey ?? "\(transition.rule)/\(transition.kind.rawValue)/\(transition.at)"
        return await send(ServiceRequests.alert(transition, target), key: key).outcome
    }

    package func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome? {
        guard let requests = ServiceRequests.digest(transitions, key: key, target) else { return nil }
        return await send(requests, key: key).outcome
    }

    package func sendTest(now: Int64) async -> (outcome: DeliveryOutcome, status: Int?) {
        await send(ServiceRequests.test(sink: name, at: now, target), key: "test/\(now)", waitForSlot: false)
    }

    /// Sends the requests in order; the first that does not deliver decides.
    func send(_ requests: [ServiceRequest], key: String, waitForSlot: Bool = true) async -> (outcome: DeliveryOutcome, status: Int?) {
        var last: (outcome: DeliveryOutcome, status: Int?) = (.rejected(reason: "nothing to send"), nil)
        for r in requests {
            if waitForSlot { await limiter.acquire() }
            var request = HTTPClientRequest(url: r.url)
            request.method = r.method == .put ? .PUT : .POST
            request.headers.add(name: "User-Agent", value: "statusd/\(version)")
            request.headers.add(name: "Idempotency-Key", value: HTTPAlertSink.headerSafe(key))
            for h in r.headers { request.headers.add(name: h.name, value: h.value) }
            request.body = .bytes(ByteBuffer(bytes: r.body.bytes))
            last = await HTTPAlertSink.execute(request, client: client, timeout: requestTimeout, url: url,
                                               secrets: [r.url, target.credential ?? ""], classify: HTTPVerdict.classifyService)
            guard last.outcome == .delivered else { return last }
        }
        return last
    }
}
