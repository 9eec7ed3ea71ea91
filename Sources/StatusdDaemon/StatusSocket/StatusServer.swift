import Foundation
import Logging
import NIOCore
import StatusdClient
#if canImport(Glibc)
import Glibc
#endif

/// The status socket: HTTP/1.1 on a Unix socket (mode 0660) for `statusd status`, `statusd silence`
/// and `curl --unix-socket`, served by `HTTPServer` (SwiftNIO) with its bounds on connections,
/// sizes and time. The traffic is an operator or a monitoring check, not the web.
package final class StatusServer: Sendable {
    package typealias Response = HTTPResponse
    package typealias Handler = @Sendable (_ method: String, _ target: String, _ body: [UInt8]) -> Response

    /// The largest request body taken (`POST /silences` needs a few hundred bytes).
    package static let maxBodyBytes = 8 * 1024
    package let path: String
    private let logger: Logger
    private let server: HTTPServer

    package init(path: String, maxConnections: Int, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.logger = logger
        server = HTTPServer(address: .unix(path: path),
                            limits: HTTPServerLimits(maxConnections: maxConnections, maxBodyBytes: Self.maxBodyBytes)) { request in
            handler(request.method, request.target, request.body)
        }
    }

    package func start() async throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        // A socket left by a previous run that nobody answers on is stale: replace it.
        if access(path, F_OK) == 0 {
            if (try? StatusClient.request(socket: path, target: "/healthz", timeoutSeconds: 1)) != nil {
                throw UnixSocket.Failure(what: "another statusd answers on \(path)", errno: EADDRINUSE)
            }
            unlink(path)
        }
        do {
            try await server.start()
        } catch {
            if let io = error as? IOError { throw UnixSocket.Failure(what: "bind \(path)", errno: io.errnoCode) }
            throw error
        }
        chmod(path, 0o660)
        logger.info("status socket listening", metadata: ["path": "\(path)"])
    }

    package func stop() async {
        await server.stop()
        unlink(path)
    }
}
