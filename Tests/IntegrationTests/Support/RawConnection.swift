import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain socket to one of statusd's servers, for what no well-behaved client does: connect and
/// say nothing, send garbage, or read what a refused connection is told.
final class RawConnection {
    let fd: Int32

    /// Connects to a Unix socket; nil when the connect fails.
    init?(unix path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { close(fd); return nil }
    }

    /// Connects to 127.0.0.1:`port`; nil when the connect fails.
    init?(tcpPort port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); return nil }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Everything the server sends until it closes, or until `timeout` seconds pass; `closed` says
    /// whether the server closed the connection in that time.
    func readAll(timeout: Double) -> (text: String, closed: Bool) {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (String(decoding: data, as: UTF8.self), false) }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(max(1, left * 1000)))
            if ready <= 0 { continue }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { return (String(decoding: data, as: UTF8.self), true) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return (String(decoding: data, as: UTF8.self), true) // reset by the server: closed
            }
            data += chunk[0..<n]
        }
    }

    deinit { close(fd) }
}

/// A TCP port free on 127.0.0.1 right now (bound to port 0, then released).
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Raises this test process's open-file soft limit to at least `wanted` (up to the hard limit);
/// returns the limit in force.
@discardableResult
func raiseDescriptorLimit(to wanted: UInt) -> UInt {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
    if UInt(limit.rlim_cur) < wanted {
        limit.rlim_cur = rlim_t(min(wanted, UInt(limit.rlim_max)))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return UInt(limit.rlim_cur)
}

extension RawConnection {
    /// Waits (up to `timeout` seconds, polling all at once) for what each of `connections` is sent
    /// first; returns the indices of those whose answer starts with `prefix`.
    static func answered(_ connections: [RawConnection], prefix: String, timeout: Double) -> Set<Int> {
        var text = [[UInt8]](repeating: [], count: connections.count)
        var done = Set<Int>()
        var chunk = [UInt8](repeating: 0, count: 512)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, done.count < connections.count {
            let open = connections.indices.filter { !done.contains($0) }
            var fds = open.map { pollfd(fd: connections[$0].fd, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 100) > 0 else { continue }
            for (k, p) in fds.enumerated() where p.revents != 0 {
                let i = open[k]
                let n = recv(connections[i].fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
                if n > 0 { text[i] += chunk[0..<n] } else { done.insert(i) }
                if text[i].count >= prefix.utf8.count { done.insert(i) }
            }
        }
        return Set(text.indices.filter { String(decoding: text[$0], as: UTF8.self).hasPrefix(prefix) })
    }
}
