import Foundation
import Testing

/// Real nginx, Apache and HAProxy on 127.0.0.1 with their own custom log formats
/// (Tests/Fixtures/servers): `statusd discover`, pointed at the running server's config, writes the
/// statusd config (`format: nginx|apache|haproxy` with `log_format:`), `statusd check` accepts it,
/// and `statusd replay` with it counts every code as the test requested it.
@Suite("custom server log formats", .serialized)
struct ServerFormatTests {
    /// `statusd replay --json --config` on `file`: its codes, and its unparsed count.
    func replay(_ config: String, _ file: String) throws -> (codes: [String: Int], unparsed: Int) {
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--json", "--config", config, file], timeout: 120)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let doc = (try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
        let codes = (doc["codes"] as? [String: Int]) ?? [:]
        let unparsed = ((doc["counts"] as? [String: Any])?["unparsed"] as? Int) ?? -1
        return (codes, unparsed)
    }

    /// `statusd discover --output` for one server's config (the other two pointed nowhere): the
    /// config it wrote, which `statusd check` must accept.
    func discover(_ dir: TempDir, _ server: String, _ conf: String) throws -> String {
        var args = ["discover", "--output", dir.file("statusd.yaml")]
        for s in ["nginx", "apache", "haproxy"] { args += ["--\(s)-config", s == server ? conf : dir.file("none-\(s).conf")] }
        let out = try Proc.run(StatusdProcess.binary, args, timeout: 60)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let yaml = try String(contentsOfFile: dir.file("statusd.yaml"), encoding: .utf8)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)\n\(yaml)")
        return yaml
    }

    func lines(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test("nginx: three custom log_formats (host and upstream status first, an X-Forwarded-For list before the time, escape=json)")
    func nginx() throws {
        guard let bin = Nginx.binary else { Issue.record("nginx is not installed"); return }
        let dir = try TempDir("fmt-nginx")
        let server = try FormatServer(bin, arguments: { ["-c", $0, "-p", dir.path] }, template: "nginx.conf", dir: dir)
        defer { server.stop(signal: SIGQUIT) }
        try server.hit("/ok", count: 23)
        try server.hit("/missing", count: 7)
        try server.hit("/unavailable", count: 11)
        try server.hit("/down", count: 5)        // 502: nothing listens upstream
        try server.hit("/drop", count: 3)        // 444: nginx closes without a response
        let want: [String: Int] = ["200": 24, "404": 7, "503": 11, "502": 5, "444": 3] // + the readiness probe
        let logs = ["hostfirst", "xff", "json"].map { dir.file("nginx-\($0).log") }
        #expect(Proc.waitFor(10) { logs.allSatisfy { lines($0) == 50 } }, "lines: \(logs.map(lines))")
        // discover reads nginx -T of the running config: one input per log, its log_format as nginx holds it.
        let yaml = try discover(dir, "nginx", dir.file("nginx.conf"))
        for log in logs { #expect(yaml.contains("path: '\(log)'\n    format: nginx\n    log_format: "), "\(log):\n\(yaml)") }
        #expect(yaml.contains("log_format: 'escape=json {\"time\":\"$time_iso8601\""), "\(yaml)")
        for log in logs {
            let got = try replay(dir.file("statusd.yaml"), log)
            #expect(got.codes == want, "\(log): \(got.codes)")
            #expect(got.unparsed == 0, "\(log)")
        }
        // The same lines under another format do not fit: unparsed, never a status.
        try dir.write("wrong.yaml", """
        inputs:
          - {name: xff, path: \(logs[0]), format: nginx, log_format: '$remote_addr "$http_x_forwarded_for" [$time_local] "$request" $status'}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, severity: critical}
        """)
        let wrong = try replay(dir.file("wrong.yaml"), logs[0])
        #expect(wrong.codes.isEmpty && wrong.unparsed == 50, "\(wrong)")
    }

    @Test("Apache: a custom LogFormat with %v:%p, %D, a quoted X-Forwarded-For and a strftime time")
    func apache() throws {
        guard let bin = Proc.which("apache2", "/usr/sbin/apache2") else { Issue.record("apache2 is not installed"); return }
        let dir = try TempDir("fmt-apache")
        try FileManager.default.createDirectory(atPath: dir.file("htdocs"), withIntermediateDirectories: true)
        try dir.write("htdocs/ok", "ok\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let server = try FormatServer(bin, arguments: { ["-f", $0, "-DFOREGROUND"] }, template: "apache2.conf", dir: dir)
        defer { server.stop() }
        try server.hit("/ok", count: 17)
        try server.hit("/missing", count: 6)
        try server.hit("/unavailable", count: 9)
        try server.hit("/gone", count: 4)
        try server.hit("/broken", count: 2)
        let want: [String: Int] = ["200": 18, "404": 6, "503": 9, "410": 4, "500": 2]
        let log = dir.file("apache2-access.log")
        #expect(Proc.waitFor(10) { lines(log) == 39 }, "lines: \(lines(log))")
        // discover reads the config apache2 runs (and `apache2 -t -D DUMP_RUN_CFG` checks it).
        let yaml = try discover(dir, "apache", dir.file("apache2.conf"))
        #expect(yaml.contains("path: '\(log)'\n    format: apache\n    log_format: '%v:%p %h %l %u %t \"%r\" %>s %b "), "\(yaml)")
        let got = try replay(dir.file("statusd.yaml"), log)
        #expect(got.codes == want, "\(got.codes)")
        #expect(got.unparsed == 0)
    }

    @Test("HAProxy: an HTTP frontend with a custom log-format (from discover) counts as requested; a tcplog input is refused")
    func haproxy() throws {
        guard let bin = Proc.which("haproxy", "/usr/sbin/haproxy") else { Issue.record("haproxy is not installed"); return }
        let dir = try TempDir("fmt-haproxy")
        let http = dir.file("haproxy-http.log"), tcp = dir.file("haproxy-tcp.log")
        let server = try FormatServer(bin, arguments: { ["-f", $0, "-db"] }, template: "haproxy.cfg", dir: dir, stdout: http, stderr: tcp)
        defer { server.stop() }
        try server.hit("/ok", count: 21)
        try server.hit("/unavailable", count: 8)
        try server.hit("/down", count: 4)       // 503: the server refuses, no retry
        try server.hit("/limited", count: 5)    // 429
        try server.hit("/other", count: 3)      // 404
        try server.hit("/ok", count: 2, port: server.tcpPort) // through the TCP frontend: two tcplog lines
        let want: [String: Int] = ["200": 24, "503": 12, "429": 5, "404": 3]
        #expect(Proc.waitFor(10) { lines(http) == 44 }, "lines: \(lines(http))")
        #expect(Proc.waitFor(10) { lines(tcp) >= 1 }, "tcp lines: \(lines(tcp))")
        // HAProxy writes its log lines to syslog, stdout/stderr or a ring, never to a file itself, and
        // which file stdout ends up in is the collector's business (here: the test's redirect), so
        // discover cannot name the file: it says so, and gives the format for an input of one's own.
        // The input below takes discover's `log_format:` line as written; only the path is the test's.
        let out = try Proc.run(StatusdProcess.binary, ["discover", "--haproxy-config", dir.file("haproxy.cfg"),
                                                       "--nginx-config", dir.file("none.conf"), "--apache-config", dir.file("none.conf")], timeout: 60)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("(`haproxy -c -f`: valid)"), "\(out.stdout)")
        #expect(out.stdout.contains("frontend `web` (`log-format`) logs to stdout, not to syslog"), "\(out.stdout)")
        #expect(out.stdout.contains("frontend `tcp`: TCP mode (`option tcplog`)"), "\(out.stdout)")
        let shown = out.stdout.split(separator: "\n").map(String.init)
        let web = try #require(shown.firstIndex { $0.contains("frontend `web`") }, "\(out.stdout)")
        #expect(shown[web + 1] == "  #     format: haproxy")
        let formatLine = try #require(shown[web + 2].hasPrefix("  #     log_format: ") ? shown[web + 2].dropFirst("  #     ".count) : nil, "\(out.stdout)")
        try dir.write("statusd.yaml", """
        inputs:
          - name: haproxy
            path: [\(http), \(tcp)]
            format: haproxy
            \(formatLine)
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, severity: critical}
        """)
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let got = try replay(dir.file("statusd.yaml"), http)
        #expect(got.codes == want, "\(got.codes)")
        #expect(got.unparsed == 0)
        // tcplog: no status to count. Refused at load, at the value, saying why.
        try dir.write("tcp.yaml", """
        inputs:
          - name: tcp
            path: \(tcp)
            format: haproxy
            log_format: tcplog
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, severity: critical}
        """)
        let refused = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("tcp.yaml")])
        #expect(refused.status != 0)
        #expect((refused.stdout + refused.stderr).contains("tcp.yaml:5:"), "\(refused.stdout)\(refused.stderr)")
        #expect((refused.stdout + refused.stderr).contains("tcplog"), "\(refused.stdout)\(refused.stderr)")
        // And its lines read under the HTTP format are unparsed, never a status.
        let crossed = try replay(dir.file("statusd.yaml"), tcp)
        #expect(crossed.codes.isEmpty && crossed.unparsed == lines(tcp))
    }
}
