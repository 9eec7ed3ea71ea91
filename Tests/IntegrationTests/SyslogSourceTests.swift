import Foundation
import Testing

/// `syslog:` as a source: a real nginx (`access_log syslog:server=127.0.0.1:PORT`) and a real
/// HAProxy (`log /path/syslog.sock`) send their access lines to statusd's listener, one UDP and
/// one unix socket, routed by tag to two inputs: exact counts, the servers' own records beside.
@Suite("syslog listener as a source", .serialized)
struct SyslogSourceTests {
    @Test("nginx over UDP and HAProxy over a unix socket, routed by tag: exact counts")
    func nginxAndHAProxy() throws {
        guard Nginx.binary != nil, let haproxy = Proc.which("haproxy", "/usr/sbin/haproxy") else {
            Issue.record("nginx or haproxy is not installed")
            return
        }
        let dir = try TempDir("syslog-src")
        let udp = try Nginx.freePort()
        let format = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}HU %{+Q}r"
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, syslog: {listen: "udp://127.0.0.1:\(udp)", tag: webudp}, format: combined}
          - {name: stray, syslog: {listen: "udp://127.0.0.1:\(udp)"}, format: combined}
          - name: lb
            syslog: {listen: "unix:\(dir.file("syslog.sock"))", tag: haproxy}
            format: haproxy
            log_format: '\(format)'
        rules:
          - {name: server-errors, match: 5xx, rate_above: 90%}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("sent while statusd is stopped or restarting are lost"), "check says what syslog cannot do")
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "stderr: \(daemon.stderrText)")
        let nginx = try Nginx(dir: dir, syslogTag: "webudp", syslogServer: "127.0.0.1:\(udp)")
        defer { nginx.stop() }
        let lb = try FormatServer(haproxy, arguments: { ["-f", $0, "-db"] }, template: "haproxy-syslog.cfg", dir: dir, stdout: dir.file("haproxy.out"))
        defer { lb.stop() }
        try nginx.hit("/ok", count: 50)
        try nginx.hit("/unavailable", count: 12)
        try nginx.hit("/down", count: 3)
        try nginx.hit("/missing", count: 6)
        try lb.hit("/ok", count: 21)
        try lb.hit("/unavailable", count: 8)
        try lb.hit("/down", count: 4)
        try lb.hit("/limited", count: 5)
        try lb.hit("/other", count: 3)
        // A sender with another tag goes to the input without one.
        _ = try Proc.run("/usr/bin/python3", ["-c", """
        import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b'<190>Dec  7 19:09:22 other: 10.0.0.1 - - [07/Dec/2026:19:09:22 +0000] "GET / HTTP/1.1" 502 1 "-" "x"', ("127.0.0.1", \(udp)))
        """], timeout: 10)
        var truth: [String: Int] = [:]
        let lbWant = ["2xx": 21 + 1, "4xx": 8, "5xx": 12]   // the readiness probe's /ok, 429 + 404, 503s
        func same() -> Bool {
            truth = (try? LogTruth.classes(nginx.accessLog)) ?? [:]
            guard let web = try? daemon.counts("web"), let lbc = try? daemon.counts("lb"), let stray = try? daemon.counts("stray") else { return false }
            return ["2xx", "4xx", "5xx"].allSatisfy { (web[$0] ?? 0) == (truth[$0] ?? 0) && (lbc[$0] ?? 0) == (lbWant[$0] ?? 0) }
                && web["unparsed"] == 0 && lbc["unparsed"] == 0 && stray["5xx"] == 1
        }
        let reached = Proc.waitFor(20, same)
        let counts = ["web": (try? daemon.counts("web")) ?? [:], "lb": (try? daemon.counts("lb")) ?? [:], "stray": (try? daemon.counts("stray")) ?? [:]]
        print("syslog: nginx wrote \(truth), HAProxy answered \(lbWant); statusd \(counts.mapValues { $0.filter { ["2xx", "4xx", "5xx", "unparsed"].contains($0.key) } })")
        #expect(reached, "statusd \(counts) vs nginx \(truth), haproxy \(lbWant); stderr: \(daemon.stderrText.suffix(1500))")
        let files = (try daemon.status().json["inputs"] as? [[String: Any]] ?? []).flatMap { ($0["files"] as? [[String: Any]]) ?? [] }
        #expect(files.contains { ($0["path"] as? String) == "syslog udp://127.0.0.1:\(udp) tag webudp" && ($0["state"] as? String) == "listening" })
        // Status per input: the source kind, and when the last datagram came as its position.
        let udpEntry = files.first { ($0["path"] as? String) == "syslog udp://127.0.0.1:\(udp) tag webudp" }
        #expect(udpEntry?["source"] as? String == "syslog" && (udpEntry?["last_datagram_at"] as? String)?.hasPrefix("20") == true, "\(String(describing: udpEntry))")
        #expect((udpEntry?["position"] as? String)?.hasPrefix("last datagram at 20") == true)
        #expect((try daemon.status().json["inputs"] as? [[String: Any]] ?? []).allSatisfy { $0["source"] as? String == "syslog" })
        daemon.stop()
        #expect(!FileManager.default.fileExists(atPath: dir.file("syslog.sock")), "the unix socket is removed on stop")
    }

    @Test("an address already in use: health is degraded at once, naming it and the input; recovered once it is bound")
    func addressInUse() throws {
        let dir = try TempDir("syslog-busy")
        let udp = try Nginx.freePort()
        // Another program holds the port first (stopped by its PID).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
        import socket, time, pathlib; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", \(udp)))
        pathlib.Path("\(dir.file("bound"))").touch()
        for _ in range(1200):
            if pathlib.Path("\(dir.file("release"))").exists(): break
            time.sleep(0.1)
        """]
        try holder.run()
        // It lets the port go when told (a file), and goes by itself after 2 minutes at the latest.
        func stopHolder() { FileManager.default.createFile(atPath: dir.file("release"), contents: nil) }
        defer { stopHolder(); if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        #expect(Proc.waitFor(10) { FileManager.default.fileExists(atPath: dir.file("bound")) })
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, syslog: {listen: "udp://127.0.0.1:\(udp)", tag: web}, format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "stderr: \(daemon.stderrText)")
        func unreadable() -> [[String: Any]] {
            let health = (try? daemon.status().json["health"]) as? [String: Any]
            let list = health?["degradations"] as? [[String: Any]] ?? []
            return list.filter { $0["kind"] as? String == "input_unreadable" }
        }
        var found: [[String: Any]] = []
        for _ in 0..<100 where found.isEmpty { found = unreadable(); if found.isEmpty { usleep(100_000) } }
        #expect(found.count == 1, "health: \(found)")
        #expect(found.first?["subject"] as? String == "syslog udp://127.0.0.1:\(udp)")
        #expect((found.first?["detail"] as? String ?? "").contains("input web"))
        // The port is free again: bound within the 10 s retry, and health recovers.
        stopHolder()
        #expect(Proc.waitFor(10) { !holder.isRunning })
        var cleared = false
        for _ in 0..<300 where !cleared { cleared = unreadable().isEmpty; if !cleared { usleep(100_000) } }
        #expect(cleared, "still degraded: \(unreadable())")
    }
}
