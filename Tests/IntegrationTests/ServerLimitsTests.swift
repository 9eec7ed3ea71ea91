import Foundation
import Testing

/// The status socket and the metrics listener under clients that misbehave: hundreds of idle
/// connections, connections beyond the bound, garbage, oversized requests. The daemon keeps
/// answering `statusd status` and keeps tailing.
///
/// The test process holds up to 1,400 sockets at once (it raises its own open-file limit; 20,000
/// on the machines here); statusd raises its own soft limit to its hard one at start.
@Suite("server limits: idle, excess and garbage clients", .serialized)
struct ServerLimitsTests {
    static let bound = 600
    static let idle = 500

    func config(_ dir: TempDir, metricsPort: Int) -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 50%, window: 1m, min_requests: 20}
        status: {socket: \(dir.file("s.sock")), max_connections: \(Self.bound)}
        metrics: {listen: "127.0.0.1:\(metricsPort)", max_connections: \(Self.bound)}
        state_dir: \(dir.file("state"))
        """
    }

    func lines(_ daemon: StatusdProcess) -> Int {
        let inputs = (try? daemon.status().json["inputs"] as? [[String: Any]]) ?? []
        return inputs.first?["lines"] as? Int ?? -1
    }

    @Test("500 idle connections on each server: status answers at once, tailing keeps up, idle ones are closed after the timeout, excess ones get 503")
    func idleAndExcess() throws {
        #expect(raiseDescriptorLimit(to: 4096) >= 4096)
        let dir = try TempDir("limits")
        try dir.write("access.log", "")
        let port = freeLoopbackPort()
        try dir.write("statusd.yaml", config(dir, metricsPort: port))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let socket = dir.file("s.sock")

        // 500 connections to each server that never send a byte.
        let opened = Date()
        var idleUnix = (0..<Self.idle).compactMap { _ in RawConnection(unix: socket) }
        var idleTCP = (0..<Self.idle).compactMap { _ in RawConnection(tcpPort: port) }
        #expect(idleUnix.count == Self.idle && idleTCP.count == Self.idle)

        // `statusd status` and a scrape answer at once, while all of them are open.
        let t0 = Date()
        let status = try Proc.run(StatusdProcess.binary, ["status", "--socket", socket, "--json"], timeout: 10)
        let statusSeconds = Date().timeIntervalSince(t0)
        #expect(status.status != 3, "status failed: \(status.stderr)")
        #expect(statusSeconds < 2, "statusd status took \(statusSeconds) s with \(Self.idle) idle connections")
        let scrape = try Proc.run("/usr/bin/curl", ["-sf", "-m", "5", "http://127.0.0.1:\(port)/metrics"], timeout: 10)
        #expect(scrape.status == 0 && scrape.stdout.contains("statusd_lines_total{input=\"web\"}"))
        #expect(Date().timeIntervalSince(opened) < 4, "checked before the idle timeout could free anything")
        print("status with \(Self.idle)+\(Self.idle) idle connections: \(String(format: "%.0f", statusSeconds * 1000)) ms")

        // Tailing keeps up: lines written now are counted promptly.
        try dir.append("access.log", AccessLines.make(200, count: 900) + AccessLines.make(503, count: 100))
        let counted = Proc.waitFor(10) { lines(daemon) == 1000 }
        #expect(counted, "counted \(lines(daemon)) of 1000 lines")

        // The idle ones are closed by the server after its idle timeout (5 s).
        let closedUnix = idleUnix.filter { $0.readAll(timeout: 12 - Date().timeIntervalSince(opened)).closed }.count
        let closedTCP = idleTCP.filter { $0.readAll(timeout: 1).closed }.count
        #expect(closedUnix == Self.idle && closedTCP == Self.idle, "closed: \(closedUnix) unix, \(closedTCP) tcp")
        print("idle connections closed by the server after \(String(format: "%.1f", Date().timeIntervalSince(opened))) s")
        idleUnix.removeAll()
        idleTCP.removeAll()
        usleep(300_000)

        // Beyond the bound: 700 connections to each, the last 100 are answered 503 and closed.
        let extra = 100
        var unixBatch = (0..<(Self.bound + extra)).compactMap { _ in RawConnection(unix: socket) }
        var tcpBatch = (0..<(Self.bound + extra)).compactMap { _ in RawConnection(tcpPort: port) }
        // Within 3 s (before the admitted ones reach the 5 s idle timeout), the refused ones are told so.
        let refusedUnix = RawConnection.answered(unixBatch, prefix: "HTTP/1.1 503", timeout: 3).count
        let refusedTCP = RawConnection.answered(tcpBatch, prefix: "HTTP/1.1 503", timeout: 1).count
        #expect((extra...(extra + 5)).contains(refusedUnix), "refused on the status socket: \(refusedUnix)")
        #expect((extra...(extra + 5)).contains(refusedTCP), "refused on the metrics listener: \(refusedTCP)")
        print("over the bound of \(Self.bound): \(refusedUnix) refused on the status socket, \(refusedTCP) on the metrics listener")
        // Lines written while both servers are full are counted: the tailing never waits on them.
        try dir.append("access.log", AccessLines.make(200, count: 500))
        usleep(1_000_000)
        unixBatch.removeAll()
        tcpBatch.removeAll()
        #expect(Proc.waitFor(5) { lines(daemon) == 1500 }, "counted \(lines(daemon)) of 1500 lines")
    }

    @Test("garbage gets 400, an oversized request 4xx, and both are closed; the server answers the next client")
    func garbage() throws {
        let dir = try TempDir("garbage")
        try dir.write("access.log", "")
        let port = freeLoopbackPort()
        try dir.write("statusd.yaml", config(dir, metricsPort: port))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")
        let socket = dir.file("s.sock")
        let connect: [(String, () -> RawConnection?)] = [("status socket", { RawConnection(unix: socket) }),
                                                         ("metrics listener", { RawConnection(tcpPort: port) })]
        for (name, open) in connect {
            // Not HTTP at all, and a TLS ClientHello sent to a plain-HTTP port.
            for junk: [UInt8] in [Array("HELLO THERE\r\n\r\n".utf8), [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03] + Array(repeating: 0x41, count: 64)] {
                let c = try #require(open())
                c.send(junk)
                let r = c.readAll(timeout: 5)
                #expect(r.text.hasPrefix("HTTP/1.1 400"), "\(name): \(r.text.prefix(80))")
                #expect(r.closed, "\(name): garbage leaves the connection open")
            }
            // A head far over the limit (64 KiB of header), and a body over it.
            let big = try #require(open())
            big.send("GET /status HTTP/1.1\r\nHost: x\r\nX-Fill: " + String(repeating: "a", count: 64 * 1024) + "\r\n\r\n")
            let b = big.readAll(timeout: 5)
            #expect(b.text.hasPrefix("HTTP/1.1 4") && b.closed, "\(name): \(b.text.prefix(80))")
            let post = try #require(open())
            post.send("POST /silences HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            let p = post.readAll(timeout: 5)
            #expect(p.text.hasPrefix("HTTP/1.1 413") && p.closed, "\(name): \(p.text.prefix(80))")
        }
        // A request trickled a byte a second (never idle for the 5 s idle timeout) is cut off at the
        // 10 s request timeout.
        let slow = try #require(RawConnection(unix: socket))
        slow.send("GET /status HTTP/1.1\r\nX-Slow: ")
        let start = Date()
        var cut: Double?
        while Date().timeIntervalSince(start) < 16 {
            slow.send("a")
            if slow.readAll(timeout: 1).closed { cut = Date().timeIntervalSince(start); break }
        }
        #expect(cut.map { (9...13).contains($0) } == true, "a trickling client was cut off after \(cut.map { "\($0)" } ?? "never") s")
        // Well-formed clients are served as before.
        #expect(try daemon.status().exit == 0)
        let ok = try Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/metrics"], timeout: 10)
        #expect(ok.stdout == "200")
        let notFound = try Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/nope"], timeout: 10)
        #expect(notFound.stdout == "404")
        let text = try Proc.run("/usr/bin/curl", ["-s", "--unix-socket", socket, "http://statusd/status?format=text"], timeout: 10)
        #expect(text.status == 0 && text.stdout.contains("web"))
    }
}
