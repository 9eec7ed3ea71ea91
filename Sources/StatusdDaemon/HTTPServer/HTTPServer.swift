import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One of statusd's HTTP/1.1 servers (the status socket, the metrics listener) on SwiftNIO's event
/// loops and HTTP codec, with the bounds in `HTTPServerLimits`.
///
/// Each connection's pipeline: idle timer, byte budget, NIO's HTTP decoder and encoder (a request
/// it cannot parse gets a 400 and a close), then `HTTPRequestHandler`. Nothing here runs on the
/// pipeline's thread, so no client, however slow or hostile, holds up the tailing.
package final class HTTPServer: Sendable {
    package enum Address: Sendable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        package var description: String {
            switch self {
            case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): path
            }
        }
    }

    package let address: Address
    let limits: HTTPServerLimits
    private let limiter: ConnectionLimiter
    private let route: HTTPRequestHandler.Route
    private let channel = NIOLockedChannel()

    package init(address: Address, limits: HTTPServerLimits, route: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.address = address
        self.limits = limits
        self.route = route
        limiter = ConnectionLimiter(maxConnections: limits.maxConnections)
    }

    /// Binds and starts accepting; returns once listening. Throws when the address cannot be bound.
    package func start() async throws {
        let limits = self.limits, limiter = self.limiter, route = self.route
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // A burst of clients waits in the kernel's queue to be accepted (and admitted or
            // refused at once), not in SYN retries that answer them seconds later.
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture(withResultOf: {
                    try Self.configure(channel, limits: limits, limiter: limiter, route: route)
                })
            }
            .childChannelOption(.maxMessagesPerRead, value: 4)
        let bound: any Channel
        switch address {
        case .tcp(let host, let port): bound = try await bootstrap.bind(host: host, port: port).get()
        case .unix(let path): bound = try await bootstrap.bind(unixDomainSocketPath: path).get()
        }
        channel.set(bound)
    }

    private static func configure(_ channel: any Channel, limits: HTTPServerLimits, limiter: ConnectionLimiter,
                                  route: @escaping HTTPRequestHandler.Route) throws {
        let pipeline = channel.pipeline.syncOperations
        guard limiter.admit(channel) else {
            try pipeline.addHandler(RefuseConnectionHandler())
            return
        }
        try pipeline.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
        try pipeline.addHandler(RequestSizeLimiter(maxBytes: limits.maxHeadBytes + limits.maxBodyBytes))
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = limits.maxHeadBytes
        decoderLimits.maxHeaderFieldSize = limits.maxHeadBytes
        decoderLimits.maxHeaderFieldCount = 100
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: true,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try pipeline.addHandler(HTTPRequestHandler(limits: limits, route: route))
    }

    /// The port actually bound (a TCP address with port 0 picks one).
    package var boundPort: Int? { channel.get()?.localAddress?.port }

    /// Connections open now, and those refused over the bound since start.
    package var openConnections: Int { limiter.openCount }
    package var refusedConnections: UInt64 { limiter.refusedCount }

    /// Stops accepting, then closes every open connection.
    package func stop() async {
        if let c = channel.take() { try? await c.close() }
        await limiter.closeAll()
    }
}

/// The listening channel, set once bound and taken once at stop.
private final class NIOLockedChannel: Sendable {
    private let box = Mutex<(any Channel)?>(nil)
    func set(_ c: any Channel) { box.withLock { $0 = c } }
    func get() -> (any Channel)? { box.withLock { $0 } }
    func take() -> (any Channel)? { box.withLock { v in defer { v = nil }; return v } }
}
