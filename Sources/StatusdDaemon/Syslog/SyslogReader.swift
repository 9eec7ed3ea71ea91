import Logging
import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// The inputs fed by statusd's syslog listener (`syslog:`): the sockets they listen on, and
/// each datagram routed by its sender's tag to its input's format.
final class SyslogReader {
    /// One input's share: its tag, its decoder and what it got.
    final class Route {
        let input: String
        var inputIndex: Int
        let selection: SyslogSelection
        let tag: [UInt8]?
        var decoder: FileDecoder
        var datagrams: UInt64 = 0
        /// When the last datagram for it came (Unix seconds); nil before the first.
        var lastAt: Int64?

        init(_ c: InputConfig, index: Int, selection: SyslogSelection) {
            input = c.name
            inputIndex = index
            self.selection = selection
            tag = selection.tag.map { Array($0.utf8) }
            decoder = FileDecoder(format: c.format, options: c.formatOptions, maxLineBytes: c.maxLineBytes)
        }
    }

    private(set) var sockets: [SyslogSocket] = []
    private(set) var routes: [Route] = []
    private let logger: Logger
    private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536 + 1, alignment: 8)
    /// Datagrams no input takes (no input without a tag on that address).
    private(set) var unrouted: UInt64 = 0
    private(set) var generation: UInt64 = 0

    init(logger: Logger) { self.logger = logger }

    deinit {
        for s in sockets { s.close() }
        buffer.deallocate()
    }

    /// Binds the addresses the inputs name; an address still named keeps its socket.
    func configure(_ inputs: [InputConfig], now: Int64) {
        var newRoutes: [Route] = []
        for (index, c) in inputs.enumerated() {
            guard let s = c.syslog else { continue }
            if let old = routes.first(where: { $0.input == c.name && $0.selection == s }) {
                old.inputIndex = index
                newRoutes.append(old)
            } else {
                newRoutes.append(Route(c, index: index, selection: s))
            }
        }
        let addresses = Set(newRoutes.map(\.selection.listen))
        for s in sockets where !addresses.contains(s.listen) { s.close() }
        sockets = sockets.filter { addresses.contains($0.listen) }
        for a in addresses.sorted(by: { $0.description < $1.description }) where !sockets.contains(where: { $0.listen == a }) {
            let s = SyslogSocket(a)
            s.bindIfNeeded(now: now, logger: logger)
            if s.fd >= 0 { logger.info("listening for syslog", metadata: ["listen": "\(a)"]) }
            sockets.append(s)
        }
        routes = newRoutes
    }

    /// The sockets' descriptors, for the loop's poll.
    var descriptors: [Int32] { sockets.map(\.fd).filter { $0 >= 0 } }

    /// Receives what is waiting (up to `limit` datagrams a socket) into `sink`.
    @discardableResult
    func receive<S: LineSink>(into sink: inout S, now: Int64, limit: Int = 20_000) -> Int {
        var total = 0
        for socket in sockets {
            socket.bindIfNeeded(now: now, logger: logger)
            var n = 0
            while n < limit, let length = socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<65536])) {
                n += 1
                deliver(length, on: socket.listen, into: &sink, now: now)
            }
            total += n
        }
        if total > 0 { generation &+= 1 }
        return total
    }

    private func deliver<S: LineSink>(_ length: Int, on listen: SyslogSelection.Listen, into sink: inout S, now: Int64) {
        var end = length
        // A datagram is one line: its trailing newline, CR or NULs are not part of it.
        while end > 0, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x0D || buffer[end - 1] == 0 { end -= 1 }
        let datagram = UnsafeRawBufferPointer(rebasing: buffer[0..<end])
        let header = SyslogMessage.parse(datagram)
        var chosen: Route?
        var fallback: Route?
        for r in routes where r.selection.listen == listen {
            guard let tag = r.tag else { fallback = r; continue }
            if let header, header.tag.count == tag.count, tag.withUnsafeBytes({ t in
                memcmp(t.baseAddress!, datagram.baseAddress! + header.tag.lowerBound, tag.count) == 0
            }) {
                chosen = r
                break
            }
        }
        guard let route = chosen ?? fallback else {
            unrouted &+= 1
            return
        }
        route.datagrams &+= 1
        route.lastAt = now
        // The message, with the newline the decoder cuts lines at (written over the end: the
        // buffer holds one byte more than a datagram).
        let start = header?.message ?? 0
        buffer[end] = 0x0A
        _ = route.decoder.decode(UnsafeRawBufferPointer(rebasing: buffer[start...end]), input: route.inputIndex, arrival: now, into: &sink)
    }

    func reports(for input: String) -> [FileReport] {
        routes.filter { $0.input == input }.map { r in
            let socket = sockets.first { $0.listen == r.selection.listen }
            var report = FileReport(path: r.selection.description, state: socket?.fd ?? -1 >= 0 ? "listening" : "waiting",
                                    offset: r.datagrams, size: r.datagrams, error: socket?.problem)
            report.source = "syslog"
            report.lastDatagramAt = r.lastAt.map(CivilTime.iso8601)
            report.position = r.lastAt.map { "last datagram at " + CivilTime.iso8601($0) } ?? "no datagram yet"
            return report
        }
    }

    func close() { for s in sockets { s.close() } }
}
