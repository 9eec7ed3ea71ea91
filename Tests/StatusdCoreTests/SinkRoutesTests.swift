import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdConfig

/// Routing as one pure value: which sinks an alert goes to and after how long, from a loaded
/// config (what `statusd check` prints) and from the sinks the daemon made (one per URL).
@Suite("sink routes: who gets an alert, and when")
struct SinkRoutesTests {
    static let yaml = """
    inputs:
      - {name: web, path: /var/log/w.log}
    rules:
      - {name: server-errors, match: 5xx, rate_above: 5%, severity: critical, sinks: [chat, {sink: pager, after: 15m}]}
      - {name: slow-errors, match: 5xx, rate_above: 1%, severity: warning}
      - {name: only-ops, match: 5xx, rate_above: 2%, severity: critical, sinks: [ops]}
    sinks:
      - {name: chat, type: slack, url: "https://hooks.slack.com/services/x"}
      - {name: pager, type: webhook, url: "https://pager.example/hook", severities: [critical], after: 30m}
      - {name: ops, type: webhook, url: "https://ops.example/hook", after: 5m}
    """

    func routes() throws -> SinkRoutes {
        SinkRoutes(config: try ConfigLoader.load(yaml: Self.yaml, file: "r.yaml").get())
    }

    func plan(_ routes: SinkRoutes, _ rule: String, _ severity: Severity, wanted: [String]? = nil) -> [String] {
        routes.plan(rule: rule, severity: severity, wanted: wanted).map { "\($0.sink)+\($0.after)" }
    }

    @Test("from a config: journald first, then the declared sinks in order")
    func declared() throws {
        let r = try routes()
        #expect(r.sinks.map(\.name) == ["journal", "chat", "pager", "ops"])
        #expect(r.sinks.map(\.always) == [true, false, false, false])
        #expect(r.sinks.map(\.routeName) == ["journal", "chat", "pager", "ops"])
    }

    @Test("a rule's `sinks:` picks its sinks; its route `after:` wins over the sink's own `after:`")
    func ruleSinksAndRouteAfter() throws {
        let r = try routes()
        // pager: the route says 15m, the sink 30m; ops is not named by the rule.
        #expect(plan(r, "server-errors", .critical) == ["journal+0", "chat+0", "pager+900"])
        // ops named alone: its own `after: 5m` applies.
        #expect(plan(r, "only-ops", .critical) == ["journal+0", "ops+300"])
    }

    @Test("a rule naming no sinks goes to every sink that takes its severity, each after its own `after:`")
    func everySinkBySeverity() throws {
        let r = try routes()
        // pager takes only critical.
        #expect(plan(r, "slow-errors", .warning) == ["journal+0", "chat+0", "ops+300"])
        #expect(plan(r, "slow-errors", .critical) == ["journal+0", "chat+0", "pager+1800", "ops+300"])
    }

    @Test("a severity a sink does not take: not sent there even when the rule names it")
    func severityFilterOnNamedSink() throws {
        let r = try routes()
        #expect(plan(r, "server-errors", .warning) == ["journal+0", "chat+0"])
    }

    @Test("journald gets every alert at once, whatever the rule names and whatever the severity")
    func journaldAlways() {
        var rule = Rule(name: "r", match: set("5xx"), rateAbove: 0.05, window: 300, severity: .warning)
        rule.sinks = ["nobody"]
        let r = SinkRoutes(sinks: [SinkRoutes.Sink(name: "journal", severities: [.critical], always: true, after: 600),
                                   SinkRoutes.Sink(name: "chat")],
                           rules: [rule])
        #expect(plan(r, "r", .warning) == ["journal+0"])
        #expect(r.sinks[0].takes(.warning) && !SinkRoutes.Sink(name: "j", severities: [.critical]).takes(.warning))
    }

    @Test("an unknown rule: every sink (that takes the severity), each after its own `after:`")
    func unknownRule() throws {
        let r = try routes()
        #expect(plan(r, "no-such-rule", .critical) == ["journal+0", "chat+0", "pager+1800", "ops+300"])
        #expect(plan(r, "no-such-rule", .warning) == ["journal+0", "chat+0", "ops+300"])
    }

    @Test("a transition's own `sinks` (a group's) replace the rule's, with the rule's route delays")
    func wantedOverRule() throws {
        let r = try routes()
        #expect(plan(r, "server-errors", .critical, wanted: ["pager", "ops"]) == ["journal+0", "pager+900", "ops+300"])
        let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 300, severity: .critical)
        var t = AlertTransition(rule: rule, kind: .firing, sum: WindowSum(total: 100, matched: 10), inputs: ["web"], at: 1000,
                                firedAt: 1000, peakRate: 0.1)
        t.sinks = ["ops"]
        #expect(r.route(t) == ["journal", "ops"])
        #expect(r.plan(for: t).map(\.after) == [0, 300])
    }

    @Test("a sink with several URLs: each is its own sink by name, routed by the config's name")
    func severalURLs() {
        var rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 300, severity: .critical)
        rule.sinks = ["am"]
        rule.sinkAfter = ["am": 120]
        let r = SinkRoutes(sinks: [SinkRoutes.Sink(name: "journal", always: true),
                                   SinkRoutes.Sink(name: "am[1]", routeName: "am", after: 60),
                                   SinkRoutes.Sink(name: "am[2]", routeName: "am", after: 60),
                                   SinkRoutes.Sink(name: "chat")],
                           rules: [rule])
        #expect(plan(r, "server-errors", .critical) == ["journal+0", "am[1]+120", "am[2]+120"])
        // A name given per URL routes nothing: rules name the config's sink.
        #expect(plan(r, "server-errors", .critical, wanted: ["am[1]"]) == ["journal+0"])
        // Without a route `after:`, each URL waits the sink's own.
        #expect(plan(r, "other", .critical) == ["journal+0", "am[1]+60", "am[2]+60", "chat+0"])
    }

    @Test("no sinks but journald: every alert goes there alone")
    func journaldOnly() throws {
        var c = try ConfigLoader.load(yaml: Self.yaml, file: "r.yaml").get()
        c.sinks = []
        let r = SinkRoutes(config: c)
        #expect(plan(r, "server-errors", .critical) == ["journal+0"])
    }
}
