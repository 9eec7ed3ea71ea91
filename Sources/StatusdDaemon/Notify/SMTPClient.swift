import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import StatusdCore

/// Submits one mail over SMTP (RFC 5321) on SwiftNIO: plain, `STARTTLS` or implicit TLS (with
/// the system's CA store and full verification), optional `AUTH PLAIN` or `AUTH LOGIN`, then
/// `MAIL FROM`, `RCPT TO` for each recipient, `DATA`. The dialogue's words and the meaning of
/// each reply are the core's (`SMTPText`, `SMTPVerdict`); this moves the bytes, with one
/// deadline for the whole exchange.
///
/// A 4xx anywhere (a greylisting server, a full queue) is a retry of the whole mail; a recipient
/// refused for good is dropped from it (the others still get it); a refused login disables the
/// sink until a reload. The password is sent only inside TLS, or to a server on loopback.
struct SMTPClient: Sendable {
    struct Server: Sendable {
        var host: String
        var port: Int
        var tls: ServiceSinkSettings.TLSMode
        var username: String?
        var password: String?
        /// PEM certificates trusted besides the system's CA store.
        var caFile: String?
    }

    let server: Server
    /// The name this host gives in `EHLO`.
    let heloName: String
    let timeout: TimeAmount

    init(server: Server, heloName: String, timeout: TimeAmount = .seconds(30)) {
        self.server = server
        self.heloName = heloName
        self.timeout = timeout
    }

    /// `host:port` (`[::1]:25`), as errors and status name the server.
    var address: String { server.host.contains(":") ? "[\(server.host)]:\(server.port)" : "\(server.host):\(server.port)" }

    func send(_ message: [UInt8], envelope: EmailMessage.Envelope) async -> DeliveryOutcome {
        let (stream, continuation) = AsyncStream.makeStream(of: Result<SMTPReply, any Error>.self)
        let tlsContext: NIOSSLContext
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let ca = server.caFile { configuration.additionalTrustRoots = [.file(ca)] }
            tlsContext = try NIOSSLContext(configuration: configuration)
        } catch {
            return .retry(reason: "TLS setup failed: \(error)", after: nil)
        }
        let sni = Self.isIPAddress(server.host) ? nil : server.host
        let implicit = server.tls == .implicit
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicit { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: sni)) }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(continuation))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: server.host, port: server.port).get()
        } catch {
            continuation.finish()
            return .retry(reason: describe(error), after: nil)
        }
        // One deadline for the whole dialogue: closing the channel ends the reply stream.
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var replies = stream.makeAsyncIterator()
        let d = Dialogue(channel: channel, tlsContext: tlsContext, sni: sni)
        do {
            return try await dialogue(d, message: message, envelope: envelope, replies: &replies)
        } catch let e as Stop {
            return e.outcome
        } catch {
            return .retry(reason: describe(error), after: nil)
        }
    }

    struct Dialogue {
        let channel: any Channel
        let tlsContext: NIOSSLContext
        let sni: String?
    }

    /// Ends the dialogue with an outcome.
    struct Stop: Error {
        var outcome: DeliveryOutcome
    }

    private func dialogue(_ d: Dialogue, message: [UInt8], envelope: EmailMessage.Envelope,
                          replies: inout AsyncStream<Result<SMTPReply, any Error>>.AsyncIterator) async throws -> DeliveryOutcome {
        func next(_ step: String) async throws -> SMTPReply {
            guard let r = await replies.next() else {
                throw Stop(outcome: .retry(reason: "the server at \(address) closed the connection or did not answer in time (at \(step))", after: nil))
            }
            return try r.get()
        }
        func expect(_ step: String, _ range: ClosedRange<Int> = 200...399) async throws -> SMTPReply {
            let r = try await next(step)
            switch SMTPVerdict.classify(r, step: step, expected: range) {
            case .proceed: return r
            case .retry(let why): throw Stop(outcome: .retry(reason: why + " (\(address))", after: nil))
            case .reject(let why): throw Stop(outcome: .rejected(reason: why + " (\(address))"))
            case .disable(let why): throw Stop(outcome: .disable(reason: why + " (\(address))"))
            }
        }
        // A write that fails on a closed channel says little; the reason (a TLS handshake that
        // failed verification, a reset) is what the pipeline reported: that is thrown instead.
        func send(_ bytes: [UInt8]) async throws {
            do {
                try await write(d.channel, bytes)
            } catch {
                if let pending = await replies.next(), case .failure(let cause) = pending { throw cause }
                throw error
            }
        }
        func say(_ text: String) async throws { try await send(Array(text.utf8)) }

        _ = try await expect("greeting", 220...220)
        try await say(SMTPText.ehlo(heloName))
        var ehlo = try await expect("EHLO", 250...250)
        if server.tls == .starttls {
            guard ehlo.extensions.contains("STARTTLS") else {
                throw Stop(outcome: .disable(reason: "the server at \(address) offers no STARTTLS (set `tls: implicit` or, for a relay on this host, `tls: none`)"))
            }
            try await say("STARTTLS\r\n")
            _ = try await expect("STARTTLS", 220...220)
            let ctx = d.tlsContext, sni = d.sni, channel = d.channel
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: ctx, serverHostname: sni), position: .first)
            }.get()
            try await say(SMTPText.ehlo(heloName))
            ehlo = try await expect("EHLO", 250...250)
        }
        if let user = server.username, let password = server.password {
            let mechanisms = ehlo.authMechanisms
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                try await say(SMTPText.authPlain(user: user, password: password))
                _ = try await expect("AUTH", 235...235)
            } else {
                try await say("AUTH LOGIN\r\n")
                _ = try await expect("AUTH", 334...334)
                try await say(Base64.encode(Array(user.utf8)) + "\r\n")
                _ = try await expect("AUTH", 334...334)
                try await say(Base64.encode(Array(password.utf8)) + "\r\n")
                _ = try await expect("AUTH", 235...235)
            }
        }
        try await say(SMTPText.mailFrom(envelope.from))
        _ = try await expect("MAIL FROM", 250...259)
        var accepted = 0
        var refused: [String] = []
        for rcpt in envelope.to {
            try await say(SMTPText.rcptTo(rcpt))
            let r = try await next("RCPT TO")
            switch r.code {
            case 250...259: accepted += 1
            case 400..<500: throw Stop(outcome: .retry(reason: "SMTP RCPT TO: \(r.text) (\(address))", after: nil))
            default: refused.append(r.text)
            }
        }
        guard accepted > 0 else {
            throw Stop(outcome: .rejected(reason: "SMTP RCPT TO: every recipient was refused: \(refused.first ?? "") (\(address))"))
        }
        try await say("DATA\r\n")
        _ = try await expect("DATA", 354...354)
        try await send(SMTPText.data(message))
        _ = try await expect("end of data", 250...259)
        try? await say("QUIT\r\n")
        return .delivered
    }

    private func write(_ channel: any Channel, _ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// A network or TLS error in words, naming the server.
    func describe(_ error: any Error) -> String {
        let text = "\(error)"
        let what: String
        if text.contains("refused") || text.contains("ECONNREFUSED") { what = "connection refused" } else if error is NIOSSLError || text.contains("SSL") || text.contains("handshake") {
            what = "TLS failed: \(text.prefix(200))"
        } else if text.contains("connectTimeout") || text.contains("timed out") { what = "connect timeout" } else { what = String(text.prefix(200)) }
        return "\(what) (\(address))"
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}

/// Turns the server's bytes into replies (bounded by `SMTPReplyReader`) on the event loop.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var reader = SMTPReplyReader()
    private let replies: AsyncStream<Result<SMTPReply, any Error>>.Continuation

    init(_ replies: AsyncStream<Result<SMTPReply, any Error>>.Continuation) { self.replies = replies }

    struct BadReply: Error, CustomStringConvertible { var description: String }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        for r in reader.feed(buffer.readableBytesView) { replies.yield(.success(r)) }
        if let why = reader.failed {
            replies.yield(.failure(BadReply(description: "the server sent \(why)")))
            replies.finish()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.yield(.failure(error))
        replies.finish()
        context.close(promise: nil)
    }
}
