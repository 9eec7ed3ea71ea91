import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("monitor: firing within the second that crosses the limit")
struct EarlyFiringTests {
    let input: InputConfig = {
        var i = InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])
        i.maxSkewSeconds = 86400
        return i
    }()
    let t0: Int64 = 1_795_168_800

    func line(_ code: Int, _ at: Int64) -> ParseResult { .entry(status: StatusCode(code)!, time: at) }

    @Test("a count crossed mid-second fires at once, and the close of the second adds nothing")
    func countFiresAtOnce() {
        let rule = Rule(name: "aborts", match: set("000"), condition: .count(CountCondition(limit: 3, window: 60)))
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        m.accept(line(200, t0), input: 0, arrival: t0)
        m.advance(wallClock: t0 + 1)
        for _ in 0..<3 { m.accept(line(0, t0 + 1), input: 0, arrival: t0 + 1) }
        do { let fired = m.evaluateOpenSecond(); #expect(!fired, "3 aborts are not more than 3") }
        m.accept(line(0, t0 + 1), input: 0, arrival: t0 + 1)
        do { let fired = m.evaluateOpenSecond(); #expect(fired) }
        let early = m.takeTransitions()
        #expect(early.map(\.kind) == [.firing])
        #expect(early.first?.at == t0 + 1)
        #expect(early.first?.matched == 4)
        do { let fired = m.evaluateOpenSecond(); #expect(!fired, "an alert already firing is not fired again") }
        m.accept(line(0, t0 + 1), input: 0, arrival: t0 + 1)
        m.advance(wallClock: t0 + 2)
        #expect(m.takeTransitions().isEmpty, "the whole second gives the same firing: nothing more")
        #expect(m.rules[0].state.phase == .firing)
        #expect(m.rules[0].state.sequence == 1)
    }

    @Test("a rate fires early only with room to spare for the rest of the second's good requests")
    func rateNeedsRoom() {
        let rule = Rule(name: "errors", match: set("5xx"), rateAbove: 0.10, window: 10, minRequests: 1, wilsonGuard: false)
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        for _ in 0..<20 { m.accept(line(200, t0), input: 0, arrival: t0) }
        m.advance(wallClock: t0 + 1)
        // 4 errors of 24 so far is 16.7%, but if the rest of the second brings the 20 requests of
        // the one before, all good, it is 4 of 40: 10%, not above. Replay reads the whole second.
        for _ in 0..<4 { m.accept(line(502, t0 + 1), input: 0, arrival: t0 + 1) }
        do { let fired = m.evaluateOpenSecond(); #expect(!fired) }
        for _ in 0..<16 { m.accept(line(200, t0 + 1), input: 0, arrival: t0 + 1) }
        m.advance(wallClock: t0 + 2)
        #expect(m.takeTransitions().isEmpty, "the whole second is 10%: not above, as the early check assumed")
        // Next second: 6 errors first: 10 of 46 even with 20 more good ones to come: fires now.
        for _ in 0..<6 { m.accept(line(502, t0 + 2), input: 0, arrival: t0 + 2) }
        do { let fired = m.evaluateOpenSecond(); #expect(fired) }
        let fired = m.takeTransitions()
        #expect(fired.map(\.at) == [t0 + 2])
        #expect(fired.first?.matched == 10)
        #expect(fired.first?.total == 46, "the notice tells what was read, not what was assumed")
    }

    @Test("pending, resolving and conditions that watch for silence wait for the close")
    func onlyFiring() {
        let pending = Rule(name: "slow", match: set("5xx"), rateAbove: 0.10, window: 10, minRequests: 1, forSeconds: 30, wilsonGuard: false)
        let flat = Rule(name: "flat", match: set("5xx"), condition: .noTraffic(NoTrafficCondition(window: 5)))
        var m = Monitor(inputs: [input], rules: [pending, flat], clock: .live)
        m.accept(line(200, t0), input: 0, arrival: t0)
        m.advance(wallClock: t0 + 1)
        m.accept(line(502, t0 + 1), input: 0, arrival: t0 + 1)
        do { let fired = m.evaluateOpenSecond(); #expect(!fired, "ok -> pending is not brought forward") }
        #expect(m.rules[0].state.phase == .ok)
        m.advance(wallClock: t0 + 2)
        #expect(m.takeTransitions().map(\.kind) == [.pending])
    }

    @Test("live with early firing after every line gives replay's transitions, most of them early")
    func liveEqualsReplay() {
        let rules = [
            Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20, forSeconds: 30, severity: .critical),
            Rule(name: "instant", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20),
            Rule(name: "count", match: set("502"), condition: .count(CountCondition(limit: 100, window: 60))),
        ]
        let log = ReplayTests.outageLog(start: t0)
        var replay = Monitor(inputs: [input], rules: rules, clock: .lines)
        for r in log { if case .entry(_, let t?) = r { replay.accept(r, input: 0, arrival: t) } }
        replay.finish()
        let expected = replay.takeTransitions().map { "\($0.rule) \($0.kind.rawValue)@\($0.at - t0)" }

        var live = Monitor(inputs: [input], rules: rules, clock: .live)
        var out: [String] = []
        var early = 0
        var k = 0
        for s in t0..<(t0 + 1000) {
            while k < log.count, case .entry(_, let t?) = log[k], t == s {
                live.accept(log[k], input: 0, arrival: s)
                k += 1
                if live.evaluateOpenSecond() { early += 1 }
                out += live.takeTransitions().map { "\($0.rule) \($0.kind.rawValue)@\($0.at - t0)" }
            }
            live.advance(wallClock: s + 1)
            out += live.takeTransitions().map { "\($0.rule) \($0.kind.rawValue)@\($0.at - t0)" }
        }
        #expect(expected.filter { $0.contains("firing") }.count == 3)
        #expect(out.sorted() == expected.sorted())
        #expect(early == 3, "every firing was found before its second ended")
    }
}


extension EarlyFiringTests {
    @Test("a label group fires early from its own counts, naming its host and paths")
    func labelGroupEarly() {
        typealias G = LabelGroupTests
        var rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 5, severity: .critical)
        rule.groupBy = [.host]
        var m = Monitor(inputs: [G.input()], rules: [rule], clock: .live)
        let t = G.t0
        for h in ["a.example", "b.example"] { for _ in 0..<10 { G.feed(&m, G.line(host: h, path: "/ok", code: 200, at: t), at: t) } }
        m.advance(wallClock: t + 1)
        #expect(m.takeTransitions().isEmpty)
        for _ in 0..<3 { G.feed(&m, G.line(host: "b.example", path: "/api/orders/123", code: 502, at: t + 1), at: t + 1) }
        // b.example: 3 errors of 13, with 10 more good to come 3 of 23: well above 5%.
        do { let fired = m.evaluateOpenSecond(); #expect(fired) }
        let out = m.takeTransitions()
        #expect(out.map(\.group) == ["b.example"])
        #expect(out.first?.topPaths?.first?.value == "/api/orders/:id")
    }
}
