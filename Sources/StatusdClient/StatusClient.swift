#if canImport(Glibc)
import Glibc
#endif

/// The client side of the status socket: one request (a GET, or a small POST or DELETE), the whole answer.
///
/// Blocking and Foundation-free on purpose: `statusd status` is a one-shot check (often run by a
/// monitoring system), and the server uses it to tell a live daemon's socket from a stale one.
package enum StatusClient {
    package struct Answer: Sendable {
        package var status: Int
        package var body: [UInt8]
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    package static func request(socket path: String, target: String, method: String = "GET", body: [UInt8] = [],
                               timeoutSeconds: Int = 5) throws -> Answer {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        UnixSocket.setTimeout(fd, seconds: timeoutSeconds)
        let rc = try UnixSocket.withAddress(path) { connect(fd, $0, $1) }
        guard rc == 0 else { throw Failure(description: "cannot connect to \(path): \(String(cString: strerror(errno)))") }
        var req = "\(method) \(target) HTTP/1.1\r\nHost: statusd\r\nConnection: close\r\n"
        if !body.isEmpty || method != "GET" { req += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        guard UnixSocket.writeAll(fd, Array((req + "\r\n").utf8) + body) else { throw Failure(description: "cannot send to \(path)") }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw Failure(description: "no answer from \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data += chunk[0..<n]
            if data.count > 64 * 1024 * 1024 { throw Failure(description: "answer from \(path) too large") }
        }
        guard let split = data.firstRange(of: [13, 10, 13, 10]) else { throw Failure(description: "malformed answer from \(path)") }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            throw Failure(description: "malformed answer from \(path)")
        }
        return Answer(status: code, body: Array(data[split.upperBound...]))
    }
}
