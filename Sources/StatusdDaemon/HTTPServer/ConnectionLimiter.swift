import NIOCore
import Synchronization

/// Counts a server's open connections and admits a new one only below the bound; remembers them so
/// a stopping server can close them all.
///
/// Refusing new connections (rather than queueing them) keeps memory and descriptors bounded
/// whatever clients do; idle ones free their place after `HTTPServerLimits.idleTimeout`.
final class ConnectionLimiter: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var refused: UInt64 = 0
        var closing = false
    }

    let maxConnections: Int
    private let state = Mutex(State())

    init(maxConnections: Int) { self.maxConnections = maxConnections }

    /// Takes `channel` in if there is room (and the server is not stopping); it leaves when it closes.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = state.withLock { s -> Bool in
            guard !s.closing, s.open.count < maxConnections else {
                s.refused &+= 1
                return false
            }
            s.open[id] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.open.removeValue(forKey: id) } }
        }
        return admitted
    }

    var openCount: Int { state.withLock { $0.open.count } }
    var refusedCount: UInt64 { state.withLock { $0.refused } }

    /// Stops admitting and closes every open connection.
    func closeAll() async {
        let channels = state.withLock { s -> [any Channel] in
            s.closing = true
            return Array(s.open.values)
        }
        for c in channels { try? await c.close() }
    }
}

/// The whole pipeline of a connection over the bound: a 503 and a close, nothing read.
final class RefuseConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 22\r\nConnection: close\r\n\r\ntoo many connections\r\n"

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: Self.answer))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
