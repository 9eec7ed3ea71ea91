import Foundation
import NIOCore
import StatusdCore

/// An `email` sink: each notification a mail (`EmailMessage`, threaded by alert id) submitted
/// over SMTP (`SMTPClient`), under a rate limit, with digests for a backlog like the chat sinks.
/// The password is a secret: only `AUTH` carries it, inside TLS or to a loopback server.
package struct EmailSink: AlertSink, TestableSink {
    package let name: String
    package var type: String { "email" }
    package let severities: Set<Severity>?
    package let maxAgeSeconds: Int64?
    let envelope: EmailMessage.Envelope
    let client: SMTPClient
    let host: String
    let link: LinkTemplate?
    let limiter: RateLimiter

    init(config: SinkConfig, password: String?, host: String, version: String) {
        name = config.name
        severities = config.severities
        maxAgeSeconds = config.maxAgeSeconds
        let s = config.service
        envelope = EmailMessage.Envelope(from: s.from ?? "", to: s.to)
        client = SMTPClient(server: .init(host: s.smtpHost ?? "localhost", port: s.smtpPort, tls: s.tls, username: s.username, password: password,
                                           caFile: s.caFile),
                            heloName: host)
        self.host = host
        link = config.link
        limiter = RateLimiter.forKind(.email)
    }

    package var display: String { "smtp://\(client.address) (\(client.server.tls.rawValue))" }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    package func deliver(_ transition: AlertTransition) async -> DeliveryOutcome {
        await limiter.acquire()
        return await client.send(EmailMessage.render(transition, host: host, link: link, envelope: envelope, date: Self.now()), envelope: envelope)
    }

    package func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome? {
        await limiter.acquire()
        let c = Digest.content(transitions, host: host, key: key)
        let id = EmailMessage.messageID(key, sequence: nil, domain: EmailMessage.domain(of: envelope.from))
        return await client.send(EmailMessage.render(c, messageID: id, inReplyTo: nil, envelope: envelope, date: Self.now()), envelope: envelope)
    }

    package func sendTest(now: Int64) async -> (outcome: DeliveryOutcome, status: Int?) {
        let c = ChatContent.test(sink: name, host: host, at: now)
        let id = EmailMessage.messageID("test/\(now)", sequence: nil, domain: EmailMessage.domain(of: envelope.from))
        return (await client.send(EmailMessage.render(c, messageID: id, inReplyTo: nil, envelope: envelope, date: now), envelope: envelope), nil)
    }
}
