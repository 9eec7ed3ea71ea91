import Foundation
import Logging
import StatusdClient
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server on a Unix socket (mode 0660) for `statusd status` and
/// `curl --unix-socket`. One request per connection, answered in order on its own thread: the
/// traffic is an operator or a monitoring check, not the web.
public final class StatusServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]

        public init(status: Int, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public typealias Handler = @Sendable (_ method: String, _ target: String, _ body: [UInt8]) -> Response

    public let path: String
    private let handler: Handler
    private let logger: Logger
    private var fd: Int32 = -1
    private let lock = NSLock()
    private var thread: Thread?

    public init(path: String, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.logger = logger
        self.handler = handler
    }

    public func start() throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw UnixSocket.Failure(what: "socket", errno: errno) }
        // A socket left by a previous run that nobody answers on is stale: replace it.
        if access(path, F_OK) == 0 {
            if (try? StatusClient.request(socket: path, target: "/healthz", timeoutSeconds: 1)) != nil {
                close(fd)
                throw UnixSocket.Failure(what: "another statusd answers on \(path)", errno: EADDRINUSE)
            }
            unlink(path)
        }
        let rc = try UnixSocket.withAddress(path) { bind(fd, $0, $1) }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw UnixSocket.Failure(what: "bind \(path)", errno: e)
        }
        chmod(path, 0o660)
        guard listen(fd, 16) == 0 else {
            let e = errno
            close(fd)
            throw UnixSocket.Failure(what: "listen \(path)", errno: e)
        }
        lock.withLock { self.fd = fd }
        let t = Thread { [self] in self.acceptLoop(fd) }
        t.name = "statusd-status"
        t.start()
        thread = t
        logger.info("status socket listening", metadata: ["path": "\(path)"])
    }

    public func stop() {
        let fd = lock.withLock { () -> Int32 in
            let f = self.fd
            self.fd = -1
            return f
        }
        guard fd >= 0 else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let conn = accept(listener, nil, nil)
            if conn < 0 {
                if errno == EINTR { continue }
                if lock.withLock({ fd < 0 }) { return }
                if errno == EBADF || errno == EINVAL { return }
                continue
            }
            serve(conn)
            close(conn)
        }
    }

    /// The largest request body taken (`POST /silences` needs a few hundred bytes).
    public static let maxBodyBytes = 8 * 1024
    static let maxHeadBytes = 16 * 1024

    private func serve(_ conn: Int32) {
        UnixSocket.setTimeout(conn, seconds: 2)
        let response: Response
        switch Self.read(conn) {
        case .success(let r): response = handler(r.method, r.target, r.body)
        case .failure(let error): response = error
        }
        let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
                      413: "Content Too Large", 500: "Internal Server Error"][response.status] ?? "Error"
        let head = "HTTP/1.1 \(response.status) \(reason)\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        _ = UnixSocket.writeAll(conn, Array(head.utf8) + response.body)
    }

    /// One request: its line, then a body of `Content-Length` bytes (at most `maxBodyBytes`).
    /// A malformed or oversized request is answered with its error instead of reaching the handler.
    private static func read(_ conn: Int32) -> Result<(method: String, target: String, body: [UInt8]), Response> {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd: Range<Int>?
        var wanted = Int.max
        while data.count < wanted {
            let n = recv(conn, &chunk, chunk.count, 0)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            data += chunk[0..<n]
            if headEnd == nil, let end = data.firstRange(of: [13, 10, 13, 10]) {
                headEnd = end
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                var length = 0
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    guard let v = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)), v >= 0 else {
                        return .failure(.text(400, "bad Content-Length\n"))
                    }
                    length = v
                }
                guard length <= maxBodyBytes else { return .failure(.text(413, "body larger than \(maxBodyBytes) bytes\n")) }
                wanted = end.upperBound + length
            }
            if headEnd == nil, data.count > maxHeadBytes { return .failure(.text(400, "request head too large\n")) }
        }
        guard let end = headEnd, data.count >= wanted,
              let line = data[..<end.lowerBound].split(separator: 13, maxSplits: 1).first,
              case let parts = line.split(separator: UInt8(ascii: " ")), parts.count >= 2
        else { return .failure(.text(400, "bad request\n")) }
        return .success((String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self),
                         Array(data[end.upperBound..<wanted])))
    }
}

extension StatusServer.Response: Error {
    /// A plain-text answer (errors, short confirmations).
    public static func text(_ status: Int, _ message: String) -> Self {
        .init(status: status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
    }
}
