import AsyncHTTPClient
import Foundation
import StatusdCore

/// One Alertmanager (one member of a cluster): `POST /api/v2/alerts` with a JSON array of alerts
/// (`AlertmanagerAlert`), through the outbox like every sink, plus the re-sends Alertmanager needs
/// (`ResendingSink`): firing alerts every `resend_interval` until they resolve, resolved ones for
/// `resend_resolved_for`.
///
/// A sink with several `urls` becomes one of these per URL (`am[1]`, `am[2]`): each member gets
/// every notification, delivered, retried and counted on its own, so a member that is down holds
/// up none of the others. The transport (headers, timeouts, answers, never a URL in an error) is
/// `HTTPAlertSink`'s.
struct AlertmanagerSink: ResendingSink, TestableSink {
    var name: String { http.name }
    let routeName: String
    var type: String { "alertmanager" }
    var severities: Set<Severity>? { http.severities }
    var maxAgeSeconds: Int64? { http.maxAgeSeconds }
    let resendInterval: Int64
    let resendResolvedFor: Int64
    let options: AlertmanagerAlert.Options
    let http: HTTPAlertSink

    /// nil when `url` plus the API path is not a URL (it always is for a checked base URL).
    init?(config: SinkConfig, url: SinkURL, target: String, host: String, client: HTTPClient, version: String) {
        guard let endpoint = Self.endpoint(url) else { return nil }
        var c = config
        c.name = target
        http = HTTPAlertSink(config: c, url: endpoint, secret: nil, host: host, client: client, version: version)
        routeName = config.name
        resendInterval = config.resendIntervalSeconds
        resendResolvedFor = config.resendResolvedSeconds
        // A firing alert stays valid for four re-sends: one or two lost do not resolve it.
        options = AlertmanagerAlert.Options(host: host, generatorURL: config.generatorURL, link: config.link,
                                            validForSeconds: 4 * config.resendIntervalSeconds)
    }

    /// `http://am:9093` → `http://am:9093/api/v2/alerts` (a URL already ending so is kept).
    static func endpoint(_ url: SinkURL) -> SinkURL? {
        var base = url.secretValue
        if base.hasSuffix("/api/v2/alerts") { return url }
        while base.hasSuffix("/") { base.removeLast() }
        return SinkURL(base + "/api/v2/alerts")
    }

    var display: String { http.url.display }

    func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        await post([transition], key: transition.idempotencyKey ?? "\(transition.rule)/\(transition.kind.rawValue)/\(transition.at)")
    }

    /// A backlog in one request: the latest state of each alert (Alertmanager keeps state, not
    /// history).
    func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome? {
        await post(transitions, key: key)
    }

    func resend(_ transitions: [AlertTransition]) async -> DeliveryOutcome {
        await post(transitions, key: "resend/\(Int64(Date().timeIntervalSince1970))")
    }

    func sendTest(now: Int64) async -> (outcome: DeliveryOutcome, status: Int?) {
        await http.post(AlertmanagerAlert.test(sink: routeName, host: options.host, at: now).bytes, key: "test/\(now)", waitForSlot: false)
    }

    func post(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome {
        let body = AlertmanagerAlert.postBody(transitions, options: options, now: Int64(Date().timeIntervalSince1970))
        return await http.post(body.bytes, key: key)
    }
}
