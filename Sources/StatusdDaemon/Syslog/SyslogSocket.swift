import Logging
import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// One address statusd's syslog listener is bound to: a Unix datagram socket or UDP.
final class SyslogSocket {
    let listen: SyslogSelection.Listen
    private(set) var fd: Int32 = -1
    /// Why it is not bound (shown in status); retried now and then.
    private(set) var problem: String?
    private var lastAttempt: Int64?

    init(_ listen: SyslogSelection.Listen) { self.listen = listen }

    deinit { close() }

    /// Binds when not bound yet (again at most every 10 s after a failure).
    func bindIfNeeded(now: Int64, logger: Logger) {
        guard fd < 0, lastAttempt.map({ now - $0 >= 10 || now < $0 }) ?? true else { return }
        lastAttempt = now
        let (s, why) = bind()
        if s >= 0 {
            fd = s
            if problem != nil { logger.notice("syslog listener bound", metadata: ["listen": "\(listen)"]) }
            problem = nil
        } else if let why {
            if problem != why { logger.error("cannot listen for syslog: \(why)", metadata: ["listen": "\(listen)"]) }
            problem = why
        }
    }

    private func bind() -> (Int32, String?) {
        switch listen {
        case .unix(let path):
            let s = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard s >= 0 else { return (-1, "socket: \(String(cString: strerror(errno)))") }
            var st = stat()
            // A socket left by a run that did not stop cleanly is replaced; any other file is not.
            if lstat(path, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFSOCK else { Glibc.close(s); return (-1, "\(path) exists and is not a socket") }
                unlink(path)
            }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                let bytes = Array(path.utf8)
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else {
                let e = String(cString: strerror(errno))
                Glibc.close(s)
                return (-1, "bind \(path): \(e)")
            }
            // Web servers run as their own users (www-data, haproxy): any local process may send.
            chmod(path, 0o666)
            enlarge(s)
            return (s, nil)
        case .udp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
            hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE
            var list: UnsafeMutablePointer<addrinfo>?
            let name = host == "localhost" ? "127.0.0.1" : host
            guard getaddrinfo(name, String(port), &hints, &list) == 0, let ai = list else { return (-1, "cannot resolve \(host)") }
            defer { freeaddrinfo(list) }
            let s = socket(ai.pointee.ai_family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard s >= 0 else { return (-1, "socket: \(String(cString: strerror(errno)))") }
            guard Glibc.bind(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
                let e = String(cString: strerror(errno))
                Glibc.close(s)
                return (-1, "bind \(listen): \(e)")
            }
            enlarge(s)
            return (s, nil)
        }
    }

    /// A larger receive buffer: a burst waits there while the loop is busy, instead of being dropped.
    private func enlarge(_ s: Int32) {
        var size: Int32 = 4 << 20
        _ = setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Receives one datagram into `buffer`; its length, or nil when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard fd >= 0 else { return nil }
        let n = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        return n >= 0 ? n : nil
    }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        if case .unix(let path) = listen { unlink(path) }
    }
}
