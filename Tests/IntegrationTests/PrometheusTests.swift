import Foundation
import StatusdCore
import Testing

/// The metrics listener end to end: a real Prometheus scrapes a running statusd, and PromQL over
/// Prometheus' HTTP API gives back what the log holds.
@Suite("prometheus, end to end", .serialized)
struct PrometheusTests {
    /// The log's ground truth: each status written this many times (000: the client hung up).
    static let written: [Int: Int] = [200: 70, 201: 5, 301: 4, 404: 10, 499: 5, 500: 2, 502: 15, 503: 3, 520: 2, 0: 3]
    static let garbage = 2

    static func line(_ status: Int, _ stamp: String) -> String {
        "10.0.0.1 - - [\(stamp)] \"GET /x HTTP/1.1\" \(String(format: "%03d", status)) 12 \"-\" \"it\"\n"
    }

    /// The class Prometheus should report a code under: 1xx-5xx, or `other` (000-099, 600-999).
    static func statusClass(_ code: Int) -> String { (1...5).contains(code / 100) ? "\(code / 100)xx" : "other" }

    func config(_ dir: TempDir, metricsPort: Int) -> String {
        """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined, start_at: beginning}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, min_requests: 20, severity: critical}
        status: {socket: \(dir.file("s.sock"))}
        metrics: {listen: "127.0.0.1:\(metricsPort)"}
        state_dir: \(dir.file("state"))
        """
    }

    @Test("PromQL over a real Prometheus scraping statusd returns the log's counts by class and by code")
    func scrapeMatchesLog() throws {
        try #require(PrometheusServer.isInstalled, "Debian's prometheus package is not installed")
        let dir = try TempDir("prom")
        let stamp = AccessLines.timeLocal(Date())
        var log = ""
        for (code, n) in Self.written.sorted(by: { $0.key < $1.key }) {
            log += String(repeating: Self.line(code, stamp), count: n)
        }
        log += String(repeating: "this is not an access log line\n", count: Self.garbage)
        try dir.write("access.log", log)
        let metricsPort = freeLoopbackPort()
        try dir.write("statusd.yaml", config(dir, metricsPort: metricsPort))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady(), "daemon never answered: \(daemon.stderrText)")

        var byClass: [String: Double] = [:]
        for (code, n) in Self.written { byClass[Self.statusClass(code), default: 0] += Double(n) }
        for c in ["1xx", "2xx", "3xx", "4xx", "5xx", "other"] where byClass[c] == nil { byClass[c] = 0 }
        let byCode: [String: Double] = ["000": 3, "499": 5, "500": 2, "502": 15, "503": 3, "520": 2]

        let prometheus = try PrometheusServer(scraping: ["127.0.0.1:\(metricsPort)"], dir: dir)
        defer { prometheus.stop() }
        #expect(prometheus.waitReady(), "prometheus never got ready: \(prometheus.logText.suffix(2000))")

        var classes: [String: Double] = [:], codes: [String: Double] = [:]
        let seen = Proc.waitFor(30) {
            classes = Dictionary((try? prometheus.query("statusd_requests_total{input=\"web\"}"))?.map { ($0.labels["class"] ?? "?", $0.value) } ?? [],
                                 uniquingKeysWith: { a, _ in a })
            return classes == byClass
        }
        #expect(seen, "prometheus has \(classes), the log holds \(byClass)")
        codes = Dictionary(try prometheus.query("statusd_requests_by_code_total{input=\"web\"}").map { ($0.labels["code"] ?? "?", $0.value) },
                           uniquingKeysWith: { a, _ in a })
        #expect(codes == byCode, "200, 201, 301 and 404 stay in their class; aborts and every 5xx by code")
        #expect(try prometheus.query("statusd_unparsed_lines_total{input=\"web\"}").map(\.value) == [Double(Self.garbage)])
        #expect(try prometheus.query("statusd_lines_total{input=\"web\"}").map(\.value) == [Double(Self.written.values.reduce(0, +) + Self.garbage)])
        // The same figures as `statusd status`.
        let counts = try daemon.counts("web")
        for c in ["2xx", "3xx", "4xx", "5xx"] { #expect(Double(counts[c] ?? -1) == byClass[c], "\(c)") }
        // 22 5xx of 119 requests in the last minute: the rule fires, and Prometheus sees its state and figure.
        let requests = Double(Self.written.values.reduce(0, +))
        let errors = Double(Self.written.filter { $0.key / 100 == 5 }.values.reduce(0, +))
        let firing = Proc.waitFor(15) {
            (try? prometheus.query("statusd_rule_state{rule=\"server-errors\", state=\"firing\"}").map(\.value)) == [1]
        }
        #expect(firing)
        let rate = try prometheus.query("statusd_rule_value{rule=\"server-errors\"}").first?.value ?? -1
        #expect(abs(rate - errors / requests) < 0.001, "rule value \(rate), the log's share \(errors / requests)")
        #expect(try prometheus.query("statusd_rule_limit{rule=\"server-errors\"}").map(\.value) == [0.05])
        #expect(try prometheus.query("statusd_build_info").first?.labels["version"]?.isEmpty == false)
        #expect(try prometheus.query("up{job=\"statusd\"}").map(\.value) == [1])
        // A port already taken (here, Prometheus' own) ends the start with an error that says
        // which; the rest of the daemon stops with it rather than run on unreachable.
        let other = try TempDir("prom-busy")
        try other.write("access.log", "")
        try other.write("statusd.yaml", config(other, metricsPort: prometheus.port))
        let busy = try StatusdProcess(config: other.file("statusd.yaml"), socket: other.file("s.sock"), dir: other)
        let ended = Proc.waitFor(15) { !busy.process.isRunning }
        #expect(ended, "statusd runs on with its metrics port in use")
        if ended {
            #expect(busy.process.terminationStatus != 0)
            #expect(busy.stderrText.contains("metrics.listen 127.0.0.1:\(prometheus.port)"), "\(busy.stderrText.suffix(1000))")
        } else {
            busy.process.interrupt()
            kill(busy.process.processIdentifier, SIGKILL)
        }
        // SIGTERM stops the servers with the rest: a clean exit, and the listener's port is free again.
        #expect(daemon.stop() == 0, "\(daemon.stderrText.suffix(2000))")
        #expect(RawConnection(tcpPort: metricsPort) == nil, "the metrics port still accepts after exit")
    }

    @Test("the example Prometheus config and rules pass promtool, and the rules' unit tests hold")
    func exampleRules() throws {
        let promtool = try #require(Proc.which("promtool"), "promtool (Debian's prometheus package) is not installed")
        let dir = Fixtures.packageRoot + "/Config/examples/prometheus"
        let check = try Proc.run(promtool, ["check", "config", dir + "/prometheus.yml"], timeout: 30)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let rules = try Proc.run(promtool, ["check", "rules", dir + "/statusd-recording.rules.yml", dir + "/statusd-alerts.rules.yml"], timeout: 30)
        #expect(rules.status == 0, "\(rules.stdout)\(rules.stderr)")
        let unit = try Proc.run(promtool, ["test", "rules", dir + "/statusd-rules.test.yml"], timeout: 60)
        #expect(unit.status == 0, "\(unit.stdout)\(unit.stderr)")
        // Every statusd metric the rules read is one statusd exports, and the README lists it.
        let readme = try String(contentsOfFile: Fixtures.packageRoot + "/README.md", encoding: .utf8)
        let text = try String(contentsOfFile: dir + "/statusd-recording.rules.yml", encoding: .utf8)
            + String(contentsOfFile: dir + "/statusd-alerts.rules.yml", encoding: .utf8)
        let tokens = text.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
        let used = Set(tokens.filter { $0.hasPrefix("statusd_") }.map(String.init)) // not `site:statusd_...` recordings
        #expect(used.count >= 8)
        let exported = Set(MetricFamily.all.map(\.name))
        for name in used {
            #expect(exported.contains(name), "\(name) is read by the example rules but statusd does not export it")
            #expect(readme.contains("`\(name)`"), "\(name) is read by the example rules but the README does not list it")
        }
    }
}
