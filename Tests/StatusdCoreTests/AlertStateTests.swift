import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("rule state machine (injected clock)")
struct AlertStateTests {
    func rule(forSeconds: Int64 = 0, minRequests: UInt64 = 100, resolveBelow: Double? = nil, resolveFor: Int64 = 0) -> Rule {
        Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, resolveBelow: resolveBelow, window: 300,
             minRequests: minRequests, forSeconds: forSeconds, resolveFor: resolveFor, severity: .critical)
    }

    func sum(_ matched: UInt64, of total: UInt64) -> WindowSum { WindowSum(total: total, matched: matched) }

    @Test("no page for 1 error in 2 requests: min_requests")
    func minRequests() {
        var s = AlertState()
        #expect(s.evaluate(rule(), sum(1, of: 2), now: 0) == nil)
        #expect(s.evaluate(rule(), sum(50, of: 99), now: 1) == nil)
        #expect(s.phase == .ok)
        #expect(s.evaluate(rule(), sum(50, of: 100), now: 2) == .firing)
    }

    @Test("pending for `for`, then firing; a dip before that clears it")
    func pendingThenFiring() {
        let r = rule(forSeconds: 60)
        var s = AlertState()
        #expect(s.evaluate(r, sum(10, of: 100), now: 100) == .pending)
        #expect(s.evaluate(r, sum(10, of: 100), now: 159) == nil)
        #expect(s.phase == .pending)
        #expect(s.evaluate(r, sum(10, of: 100), now: 160) == .firing)
        #expect(s.firedAt == 160)

        var t = AlertState()
        #expect(t.evaluate(r, sum(10, of: 100), now: 100) == .pending)
        #expect(t.evaluate(r, sum(5, of: 100), now: 130) == .cleared, "5% is not above 5%")
        #expect(t.evaluate(r, sum(10, of: 100), now: 131) == .pending)
        #expect(t.evaluate(r, sum(10, of: 100), now: 190) == nil)
        #expect(t.evaluate(r, sum(10, of: 100), now: 191) == .firing)
    }

    @Test("hysteresis: firing until the rate is at or below resolve_below")
    func hysteresis() {
        let r = rule(resolveBelow: 0.02)
        var s = AlertState()
        #expect(s.evaluate(r, sum(10, of: 100), now: 0) == .firing)
        #expect(s.evaluate(r, sum(4, of: 100), now: 1) == nil, "4% is under the limit but above resolve_below")
        #expect(s.evaluate(r, sum(3, of: 100), now: 2) == nil)
        #expect(s.evaluate(r, sum(2, of: 100), now: 3) == .resolved)
        #expect(s.phase == .ok)
        #expect(s.firedAt == 0 && s.peakRate == 0.1)
    }

    @Test("resolve_for: calm must last before resolving; a relapse restarts it")
    func resolveFor() {
        let r = rule(resolveFor: 30)
        var s = AlertState()
        _ = s.evaluate(r, sum(10, of: 100), now: 0)
        #expect(s.evaluate(r, sum(0, of: 100), now: 10) == nil)
        #expect(s.evaluate(r, sum(10, of: 100), now: 20) == nil)
        #expect(s.evaluate(r, sum(0, of: 100), now: 30) == nil)
        #expect(s.evaluate(r, sum(0, of: 100), now: 59) == nil)
        #expect(s.evaluate(r, sum(0, of: 100), now: 60) == .resolved)
    }

    @Test("a firing rule with few requests stays firing while they are bad; an empty window resolves")
    func lowTrafficWhileFiring() {
        let r = rule()
        var s = AlertState()
        _ = s.evaluate(r, sum(10, of: 100), now: 0)
        #expect(s.evaluate(r, sum(5, of: 5), now: 1) == nil)
        #expect(s.phase == .firing)
        #expect(s.evaluate(r, sum(0, of: 0), now: 2) == .resolved)
    }

    @Test("the monitor sums the inputs a rule watches and reports transitions with codes")
    func engine() {
        var all = rule(); all.name = "all"
        var webOnly = rule(); webOnly.name = "web-only"; webOnly.inputs = ["web"]; webOnly.rateAbove = 0.2
        let inputs = [InputConfig(name: "web", paths: ["/w"]), InputConfig(name: "api", paths: ["/a"])]
        var monitor = Monitor(inputs: inputs, rules: [all, webOnly], clock: .lines)
        // 100 requests of each input in second 99: web 10 x 502, api 50 x 503.
        for k in 0..<100 {
            monitor.accept(.entry(status: StatusCode(k % 10 == 0 ? 502 : 200)!, time: 99), input: 0, arrival: 99)
            monitor.accept(.entry(status: StatusCode(k % 2 == 0 ? 503 : 200)!, time: 99), input: 1, arrival: 99)
        }
        monitor.finish()
        let events = monitor.takeTransitions()
        #expect(events.count == 1)
        #expect(events.first?.rule == "all")
        #expect(events.first?.total == 200 && events.first?.matched == 60)
        #expect(events.first?.codes.map(\.code.rawValue) == [503, 502])
        #expect(monitor.state(of: "web-only")?.phase == .ok)
        // A reload keeps the state of rules that keep their name.
        monitor.reconfigure(inputs: inputs, rules: [all])
        #expect(monitor.state(of: "all")?.phase == .firing)
    }
}
