import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("metrics: the status report as Prometheus series")
struct MetricsMappingTests {
    /// A report from a real monitor: 60×200, 30×502, 5×499, 5×404, 2×000, 3 lines not understood.
    func report() -> StatusReport {
        var input = InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])
        input.maxSkewSeconds = 86400
        let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20, severity: .critical)
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        let t0: Int64 = 1_795_168_800
        let lines: [(Int, Int)] = [(200, 60), (502, 30), (499, 5), (404, 5), (0, 2)]
        for (code, n) in lines {
            for _ in 0..<n { m.accept(.entry(status: StatusCode(code)!, time: t0), input: 0, arrival: t0) }
        }
        for _ in 0..<3 { m.accept(.unparsed, input: 0, arrival: t0) }
        m.advance(wallClock: t0 + 2)
        let tally = m.tally(of: "web")!
        return StatusReport(
            version: "1.2.3", pid: 1, startedAt: "", uptimeSeconds: 7, config: "/etc/statusd/statusd.yaml",
            configLoadedAt: "", lastReloadError: nil,
            inputs: [InputReport(name: "web", format: "combined", paths: input.paths, files: [], totals: tally.totals,
                                 linesPerSecond: 0, tooLate: tally.tooLate, outOfRange: tally.outOfRange)],
            rules: m.rules.map { RuleReport($0, inputNames: ["web"]) },
            sinks: [SinkReport(name: "chat", type: "slack", state: "retrying", queued: 2, oldestQueuedAt: nil, lastSuccessAt: nil,
                               lastError: nil, delivered: 4, failed: 1)])
    }

    func value(_ samples: [MetricSample], _ family: MetricFamily, _ labels: [String]) -> MetricSample.Value? {
        samples.first { $0.family == family && $0.labelValues == labels }?.value
    }

    @Test("requests by class and by the codes that matter, as the log holds them")
    func requests() {
        let s = report().metricSamples()
        #expect(value(s, .requests, ["web", "2xx"]) == .count(60))
        #expect(value(s, .requests, ["web", "4xx"]) == .count(10))
        #expect(value(s, .requests, ["web", "5xx"]) == .count(30))
        #expect(value(s, .requests, ["web", "other"]) == .count(2))
        #expect(value(s, .requests, ["web", "1xx"]) == .count(0))
        #expect(value(s, .requestsByCode, ["web", "502"]) == .count(30))
        #expect(value(s, .requestsByCode, ["web", "499"]) == .count(5))
        #expect(value(s, .requestsByCode, ["web", "000"]) == .count(2))
        // 200 and 404 are in their class only: per-code series stay few.
        #expect(s.filter { $0.family == .requestsByCode }.map { $0.labelValues[1] }.sorted() == ["000", "499", "502"])
        #expect(value(s, .unparsed, ["web"]) == .count(3))
        #expect(value(s, .lines, ["web"]) == .count(105))
    }

    @Test("rule figure, limit and exactly one state; sinks; build info")
    func rulesSinksBuild() {
        let s = report().metricSamples()
        // 30 5xx of 102 requests (the 3 lines not understood are no requests).
        guard case .gauge(let rate)? = value(s, .ruleValue, ["server-errors", "", ""]) else { Issue.record("no rule value"); return }
        #expect(abs(rate - 30.0 / 102.0) < 1e-9)
        #expect(value(s, .ruleLimit, ["server-errors", "", ""]) == .gauge(0.05))
        #expect(value(s, .ruleState, ["server-errors", "", "", "firing"]) == .gauge(1))
        #expect(value(s, .ruleState, ["server-errors", "", "", "ok"]) == .gauge(0))
        #expect(value(s, .ruleState, ["server-errors", "", "", "pending"]) == .gauge(0))
        #expect(value(s, .ruleInfo, ["server-errors", "rate", "critical"]) == .gauge(1))
        #expect(value(s, .sinkDelivered, ["chat", "slack"]) == .count(4))
        #expect(value(s, .sinkFailed, ["chat", "slack"]) == .count(1))
        #expect(value(s, .sinkQueued, ["chat", "slack"]) == .gauge(2))
        #expect(value(s, .sinkState, ["chat", "slack", "retrying"]) == .gauge(1))
        #expect(value(s, .buildInfo, ["1.2.3"]) == .gauge(1))
        // Every sample belongs to a listed family, with one value per label name.
        #expect(s.allSatisfy { MetricFamily.all.contains($0.family) && $0.labelValues.count == $0.family.labels.count })
        #expect(Set(s.map(\.seriesKey)).count == s.count, "no series twice")
    }

    @Test("group values from logs are capped per rule, and the cap is shown")
    func groupCap() throws {
        var r = report()
        let alerts = try (0..<150).map { i in
            try JSONDecoder().decode(AlertReport.self, from: Data("""
            {"key": "server-errors[h\(i)]", "group": "h\(i)", "severity": "critical", "state": "ok",
             "value": 0.01, "limit": 0.05, "silenced": false, "flapping": false}
            """.utf8))
        }
        r.rules[0].alerts = alerts
        let s = r.metricSamples(maxSeriesPerRule: 100)
        #expect(s.filter { $0.family == .ruleValue }.count == 100)
        #expect(value(s, .ruleValue, ["server-errors", "h99", ""]) == .gauge(0.01))
        #expect(value(s, .ruleValue, ["server-errors", "h100", ""]) == nil)
        #expect(value(s, .ruleSeriesOmitted, ["server-errors"]) == .gauge(50))
    }

    @Test("metrics config: listen parsed, off by default, bad values name their line")
    func config() throws {
        let base = "inputs:\n  - {name: a, path: /x}\nrules:\n  - {name: r, match: 5xx, rate_above: 1%}\n"
        #expect(try ConfigLoader.load(yaml: base, file: "f").get().metrics == nil)
        let c = try ConfigLoader.load(yaml: base + "metrics:\n  listen: \"127.0.0.1:9464\"\n  max_connections: 10\n", file: "f").get()
        #expect(c.metrics == MetricsConfig(host: "127.0.0.1", port: 9464, maxConnections: 10))
        let v6 = try ConfigLoader.load(yaml: base + "metrics: {listen: \"[::1]:9100\"}\nstatus: {max_connections: 50}\n", file: "f").get()
        #expect(v6.metrics?.host == "::1" && v6.metrics?.port == 9100 && v6.metrics?.listen == "[::1]:9100")
        #expect(v6.statusMaxConnections == 50)
        for (bad, message) in [("metrics: {listen: \"127.0.0.1\"}", "`metrics.listen` must be host:port"),
                               ("metrics: {listen: \"127.0.0.1:70000\"}", "`metrics.listen` must be host:port"),
                               ("metrics: {listen: \":9464\"}", "`metrics.listen` must be host:port"),
                               ("metrics: {listen: \"::1:9464\"}", "`metrics.listen` must be host:port"),
                               ("metrics: {max_connections: 5}", "`metrics` needs `listen`"),
                               ("metrics: {listen: \"127.0.0.1:9464\", max_connections: 0}", "between 1 and 10000"),
                               ("metrics: {listen: \"127.0.0.1:9464\", lsten: x}", "unknown key `lsten`"),
                               ("metrics: 9464", "metrics must be a mapping")] {
            guard case .failure(let e) = ConfigLoader.load(yaml: base + bad + "\n", file: "/etc/statusd/statusd.yaml") else {
                Issue.record("\(bad) should fail"); continue
            }
            #expect(e.errors.contains { $0.line == 5 && $0.message.contains(message) && $0.description.hasPrefix("/etc/statusd/statusd.yaml:5:") },
                    "\(bad): \(e)")
        }
    }
}
