import Foundation
import Testing

/// A real nginx on 127.0.0.1 writes its access log; statusd tails it, fires on 502/503 and resolves
/// on healthy traffic, and its counts equal what the log holds.
@Suite("real nginx", .serialized)
struct NginxTests {
    init() throws { try Journald.acquire() }

    @Test("502/503 from a real nginx fire and resolve; status counts equal the log's")
    func nginxOutage() throws {
        defer { Journald.release() }
        let dir = try TempDir("nginx")
        let nginx = try Nginx(dir: dir)
        defer { nginx.stop() }
        try dir.write("statusd.yaml", """
        inputs:
          - name: nginx
            path: \(nginx.accessLog)
            format: combined
            start_at: beginning
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 10%
            resolve_below: 5%
            window: 1m
            min_requests: 50
            severity: critical
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())

        try nginx.hit("/ok", count: 40)
        try nginx.hit("/down", count: 30)        // 502: nothing listens upstream
        try nginx.hit("/unavailable", count: 30) // 503
        let firing = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "firing")
        #expect(firing != nil, "stderr: \(daemon.stderrText)")
        // It fires as soon as the 502s cross the limit, within their second: the 503s after them
        // may come too late to be named.
        let codes = (firing?["STATUSD_CODES"] as? String) ?? ""
        #expect(codes.contains("502:"), "codes: \(codes)")

        try nginx.hit("/ok", count: 1300)
        let resolved = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "resolved", timeout: 30)
        #expect(resolved != nil)

        let truth = try LogTruth.classes(nginx.accessLog)
        #expect(truth["5xx"] == 60 && (truth["2xx"] ?? 0) >= 1340, "the log: \(truth)")
        #expect(Proc.waitFor(5) {
            let c = (try? daemon.counts("nginx")) ?? [:]
            return c["2xx"] == truth["2xx"] && c["5xx"] == truth["5xx"] && c["unparsed"] == 0
        }, "statusd: \((try? daemon.counts("nginx")) ?? [:]), log: \(truth)")
    }

    @Test("5xx on one server_name of a real nginx fires one alert naming that host and the path")
    func oneVirtualHost() throws {
        defer { Journald.release() }
        let dir = try TempDir("nginx-vhost")
        let hosts = ["a.example", "b.example", "c.example"]
        let nginx = try Nginx(dir: dir, vhosts: hosts)
        defer { nginx.stop() }
        try dir.write("statusd.yaml", """
        inputs:
          - name: nginx
            path: \(nginx.accessLog)
            format: combined
            start_at: beginning
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 10%
            window: 1m
            min_requests: 20
            severity: critical
            group_by: [host]
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())

        for h in hosts { try nginx.hit("/ok", count: 60, host: h) }
        try nginx.hit("/down/12345", count: 40, host: "b.example") // 502: nothing listens upstream
        try nginx.hit("/unavailable", count: 10, host: "b.example") // 503
        let firing = try Journald.waitForAlert(pid: daemon.pid, rule: "server-errors", state: "firing")
        #expect(firing != nil, "stderr: \(daemon.stderrText)")
        #expect(firing?["STATUSD_GROUP"] as? String == "b.example")
        let paths = (firing?["STATUSD_TOP_PATHS"] as? String) ?? ""
        #expect(paths.hasPrefix("/down/:id ("), "\(paths)")
        #expect(((firing?["STATUSD_TOP_HOSTS"] as? String) ?? "").hasPrefix("b.example ("))
        let message = (firing?["MESSAGE"] as? String) ?? ""
        #expect(message.contains(": /down/:id (") && message.contains(" on b.example"), "\(message)")
        #expect(!message.contains("a.example") && !message.contains("c.example"), "\(message)")
        // The healthy hosts keep getting traffic; still one alert, for b only.
        for h in hosts where h != "b.example" { try nginx.hit("/ok", count: 30, host: h) }
        Thread.sleep(forTimeInterval: 2)
        let all = try Journald.entries(pid: daemon.pid, ["STATUSD_RULE=server-errors"])
        #expect(all.count == 1, "\(all.map { $0["MESSAGE"] ?? "" })")
    }
}
