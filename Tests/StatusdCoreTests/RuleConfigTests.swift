import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("config: condition kinds, lifecycle, group_by, inhibits")
struct RuleConfigTests {
    func load(_ rules: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: "inputs:\n  - {name: web, path: /w}\n  - {name: api, path: /a}\nrules:\n" + rules, file: "c.yaml")
    }

    @Test("every kind loads with its keys")
    func kinds() throws {
        let c = try load("""
          - {name: r, match: 5xx, rate_above: 5%, guard: none, keep_firing_for: 5m, repeat: 4h, flap_limit: 6, group_by: [input], max_groups: 10}
          - {name: slo, match: 5xx, objective: 99.9%, period: 30d}
          - {name: aborts, match: '000', count_above: 50, window: 1m}
          - {name: silent, no_traffic: 5m}
          - {name: drop, no_traffic: 5m, below: 10%, baseline: 1h, group_by: input}
          - {name: jump, match: 5xx, spike: 4x, window: 5m, baseline: 1h, floor: 2%}
          - {name: origin, match: 52x, rate_above: 1%, inhibits: [r]}
        """).get()
        #expect(c.rules[0].condition == .rate(RateCondition(limit: 0.05, window: 300, minRequests: 20, wilsonGuard: false)))
        #expect(c.rules[0].keepFiringFor == 300 && c.rules[0].repeatSeconds == 14400 && c.rules[0].flapLimit == 6)
        #expect(c.rules[0].groupBy == [.input] && c.rules[0].maxGroups == 10)
        if case .slo(let slo) = c.rules[1].condition { #expect(abs(slo.objective - 0.999) < 1e-12 && slo.period == 30 * 86400) } else { Issue.record("not an SLO") }
        #expect(c.rules[2].condition == .count(CountCondition(limit: 50, window: 60)))
        #expect(c.rules[3].condition == .noTraffic(NoTrafficCondition(window: 300)))
        #expect(c.rules[4].condition == .noTraffic(NoTrafficCondition(window: 300, below: 0.1, baseline: 3600)))
        #expect(c.rules[5].condition == .spike(SpikeCondition(factor: 4, window: 300, baseline: 3600, floor: 0.02)))
        #expect(c.rules[6].inhibits == ["r"])
        if case .rate(let r) = try load("  - {name: r, match: 5xx, rate_above: 5%}\n").get().rules[0].condition {
            #expect(r.wilsonGuard, "the guard is on by default")
        }
    }

    @Test("wrong combinations say what is wrong, with their places")
    func errors() {
        guard case .failure(let e) = load("""
          - {name: a, match: 5xx, rate_above: 5%, objective: 99%}
          - {name: b, match: 5xx, count_above: 5, below: 10%}
          - {name: c, match: 5xx, rate_above: 5%, group_by: [vhost]}
          - {name: d, match: 5xx, rate_above: 5%, inhibits: [nope]}
          - {name: e, match: 5xx}
          - {name: f, match: 5xx, objective: 99.9%, severity: warning}
        """) else { Issue.record("loaded"); return }
        let text = e.description
        #expect(text.contains("c.yaml:5:54: a rule has one condition; `objective` cannot go with `rate_above`"), "\(text)")
        #expect(text.contains("`below` does not apply to a count rule (it goes with no_traffic)"))
        #expect(text.contains("`group_by` takes input, host, path_prefix, upstream, pod, namespace, container, not `vhost`"), "\(text)")
        #expect(text.contains("rule `d` inhibits `nope`, which no rule defines"))
        #expect(text.contains("a rule needs a condition"))
        #expect(text.contains("an SLO rule takes its severity from its pairs"))
    }
}

@Suite("status text")
struct StatusTextTests {
    @Test("a sparkline per rule, scaled to the limit")
    func sparkline() {
        #expect(StatusReport.sparkline([0, 0.05, 0.1], limit: 0.1) == "▁▅█")
        #expect(StatusReport.sparkline([0, 0.01], limit: 0.1) == "▁▂")
        #expect(StatusReport.sparkline([0, 0], limit: 0) == "▁▁")
        var rule = Rule(name: "r", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 1, wilsonGuard: false)
        rule.groupBy = [.input]
        var m = Monitor(inputs: [InputConfig(name: "web", paths: ["/w"]), InputConfig(name: "api", paths: ["/a"])], rules: [rule], clock: .lines)
        for s in Int64(0)..<120 { m.accept(.entry(status: StatusCode(s > 60 ? 502 : 200)!, time: s), input: 0, arrival: s) }
        m.finish()
        let report = RuleReport(m.rules[0], inputNames: ["web", "api"])
        #expect(report.sparkline?.count == 30)
        #expect(report.alerts?.map(\.key) == ["r[web]", "r[api]"])
        let status = StatusReport(version: "x", pid: 1, startedAt: "", uptimeSeconds: 1, config: "c", configLoadedAt: "", lastReloadError: nil,
                                  inputs: [], rules: [report])
        let text = status.renderText()
        #expect(text.contains("r[web]: FIRING 98.3%"), "\(text)")
        #expect(text.contains("█"))
    }
}
