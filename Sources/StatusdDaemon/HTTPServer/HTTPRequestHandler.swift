import NIOCore
import NIOHTTP1
import NIOPosix

/// Reads one request (head and a bounded body), answers it from `route` on the blocking pool, and
/// closes the connection: statusd's clients (`statusd status`, curl, Prometheus) send one request
/// and read until the connection closes.
///
/// The route runs off the event loop, so a route that waits (the pipeline's lock, a silence written
/// to disk) delays only its own answer. A connection idle for `idleTimeout`, or whose request is not
/// complete within `requestTimeout`, is closed.
final class HTTPRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    typealias Route = @Sendable (HTTPRequest) -> HTTPResponse

    private enum Phase { case waiting, reading(HTTPRequestHead), answering }

    private let route: Route
    private let limits: HTTPServerLimits
    private var phase = Phase.waiting
    private var body: ByteBuffer?
    private var deadline: Scheduled<Void>?

    init(limits: HTTPServerLimits, route: @escaping Route) {
        self.limits = limits
        self.route = route
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: limits.requestTimeout) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // Nothing read for `idleTimeout`: the client is gone or holds the connection for nothing.
            if case .answering = phase { return }
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A request NIO's decoder could not read (garbage, a TLS hello to the plain port, a head over
    /// the limit): the protocol error handler before this one has answered 400; the connection
    /// ends here rather than at the idle timeout.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        deadline?.cancel()
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), phase) {
        case (.head(let head), .waiting):
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limits.maxBodyBytes {
                answer(context, .text(413, "body larger than \(limits.maxBodyBytes) bytes\n"), head: head)
                return
            }
            phase = .reading(head)
        case (.body(var chunk), .reading(let head)):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > limits.maxBodyBytes {
                answer(context, .text(413, "body larger than \(limits.maxBodyBytes) bytes\n"), head: head)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case (.end, .reading(let head)):
            deadline?.cancel()
            phase = .answering
            let request = HTTPRequest(method: head.method.rawValue, target: head.uri,
                                      body: body.map { Array($0.readableBytesView) } ?? [],
                                      remoteAddress: context.channel.remoteAddress?.ipAddress,
                                      authorization: head.headers.first(name: "authorization"))
            body = nil
            let route = self.route
            NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { route(request) }
                .assumeIsolated()
                .whenComplete { result in
                    let response = (try? result.get()) ?? .text(500, "internal error\n")
                    self.write(context, response, head: head)
                }
        default:
            break // a second request on the connection, or parts after an answer: ignored
        }
    }

    /// Answers before the request is complete (too large): the answer, then the close.
    private func answer(_ context: ChannelHandlerContext, _ response: HTTPResponse, head: HTTPRequestHead) {
        deadline?.cancel()
        phase = .answering
        body = nil
        write(context, response, head: head)
    }

    private func write(_ context: ChannelHandlerContext, _ response: HTTPResponse, head request: HTTPRequestHead) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD, !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
