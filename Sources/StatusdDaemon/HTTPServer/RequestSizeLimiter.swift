import NIOCore

/// Counts the bytes a connection sends and closes it, with a 413, once they pass what one request
/// may take (head plus body).
///
/// The HTTP decoder bounds the headers and the request handler the body it collects; this sits in
/// front of both so that no other shape of input (an endless request line, a body larger than its
/// `Content-Length`, bytes after the request) can make a connection hold more than this.
final class RequestSizeLimiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maxBytes: Int
    private var seen = 0
    private var tripped = false

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    static let answer = "HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain\r\nContent-Length: 18\r\nConnection: close\r\n\r\nrequest too large\n"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !tripped else { return }
        seen += unwrapInboundIn(data).readableBytes
        guard seen <= maxBytes else {
            tripped = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: Self.answer))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        context.fireChannelRead(data)
    }
}
