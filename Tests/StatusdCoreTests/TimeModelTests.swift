import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The time model cannot be pushed: a line stamped in the future, a wall clock stepped back or
/// forward, a state file saved ahead of the clock, a fresh start on a quiet log.
@Suite("time model: a future line, clock steps and a fresh start")
struct TimeModelTests {
    let t0: Int64 = 1_795_168_800
    let input = InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])
    let outage = Rule(name: "bad-gateway", match: set("502"), rateAbove: 0.10, window: 60, minRequests: 20,
                      forSeconds: 10, severity: .critical)
    let silent = Rule(name: "silent", match: StatusSet(), condition: .noTraffic(NoTrafficCondition(window: 15)))

    func line(_ code: Int, _ t: Int64) -> ParseResult { .entry(status: StatusCode(code)!, time: t) }

    /// `rule:kind@second` from t0, on a clock moved by `shift`.
    func kinds(_ ts: [AlertTransition], shift: Int64 = 0) -> [String] {
        ts.map { "\($0.rule):\($0.kind.rawValue)@\($0.at - t0 - shift)" }
    }

    /// The outage of `traffic(outageFrom: t0 + 200)` on a clock that did not move.
    func control() -> [String] {
        var m = Monitor(inputs: [input], rules: [outage, silent], clock: .live)
        return kinds(traffic(&m, t0, t0 + 300, outageFrom: t0 + 200))
    }

    /// 50 lines a second from `from` to `to` (exclusive), 60% 502 from `outageFrom` on, each
    /// second's lines arriving during it (stamped `stamp(s)`), the wall clock ticking after each.
    func traffic(_ m: inout Monitor, _ from: Int64, _ to: Int64, outageFrom: Int64 = .max,
                 stamp: (Int64) -> Int64 = { $0 }, before: (inout Monitor, Int64) -> Void = { _, _ in }) -> [AlertTransition] {
        var out: [AlertTransition] = []
        for s in from..<to {
            before(&m, s)
            for n in 0..<50 {
                let code = s >= outageFrom && n % 5 < 3 ? 502 : 200
                m.accept(line(code, stamp(s)), input: 0, arrival: stamp(s))
            }
            m.advance(wallClock: stamp(s) + 1)
            out += m.takeTransitions()
        }
        return out
    }

    @Test("one line stamped max_skew - 1 s ahead: later lines are not too late, the outage fires on time, no absence page")
    func futureLine() {
        let rules = [outage, silent]
        var control = Monitor(inputs: [input], rules: rules, clock: .live)
        let expected = traffic(&control, t0, t0 + 300, outageFrom: t0 + 200)

        var m = Monitor(inputs: [input], rules: rules, clock: .live)
        let ahead = t0 + 100 + input.maxSkewSeconds - 1
        let got = traffic(&m, t0, t0 + 300, outageFrom: t0 + 200, before: { m, s in
            if s == t0 + 100 { m.accept(line(200, ahead), input: 0, arrival: s) }
        })
        // The outage (from second 200) fires within seconds, and nothing else happens.
        #expect(kinds(expected).allSatisfy { $0.hasPrefix("bad-gateway:") })
        #expect(kinds(expected).contains { $0.hasPrefix("bad-gateway:firing@2") })
        #expect(kinds(got) == kinds(expected))
        #expect(m.evaluatedThrough == t0 + 299, "the point follows the arrival clock, not the line")
        let tally = m.tally(of: "web")!
        #expect(tally.tooLate == 0)
        #expect(tally.outOfRange == 0)
        #expect(tally.totals.lines == control.tally(of: "web")!.totals.lines + 1, "the future line is counted at once")
        #expect(m.heldAhead == 1, "its second's bucket waits for the clock")

        // Once the clock reaches its second, it is in its own second's bucket.
        var later = m
        _ = traffic(&later, t0 + 300, ahead + 2)
        #expect(later.heldAhead == 0)
        #expect(later.tally(of: "web")!.window.bucket(at: ahead)?.total == 51)
        #expect(later.tally(of: "web")!.tooLate == 0)
    }

    @Test("a fresh start on a quiet log with no_traffic: 5m sends nothing in its first 5 minutes")
    func freshStart() {
        let rule = Rule(name: "silent", match: StatusSet(), condition: .noTraffic(NoTrafficCondition(window: 300)))
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        var out: [AlertTransition] = []
        for s in t0...(t0 + 299) {
            m.advance(wallClock: s)
            out += m.takeTransitions()
        }
        #expect(out.isEmpty, "nothing before the window was watched: \(kinds(out))")
        m.advance(wallClock: t0 + 300)
        // Watching began at t0 - 1 (the first second evaluated): a full window of silence.
        #expect(kinds(m.takeTransitions()) == ["silent:firing@299"])
    }

    @Test("a state file resumed keeps its watching point; an input it did not know starts watching there")
    func resumedWatching() {
        let rule = Rule(name: "silent", match: StatusSet(), condition: .noTraffic(NoTrafficCondition(window: 300)))
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        for s in t0...(t0 + 60) { m.advance(wallClock: s) }
        let saved = m.snapshot()
        #expect(saved.watchedSince?["web"] == t0 - 1)
        var again = Monitor(inputs: [input], rules: [rule], clock: .live)
        again.restore(saved)
        var out: [AlertTransition] = []
        for s in (t0 + 61)...(t0 + 299) { again.advance(wallClock: s); out += again.takeTransitions() }
        #expect(out.isEmpty)
        again.advance(wallClock: t0 + 300)
        #expect(kinds(again.takeTransitions()) == ["silent:firing@299"])
    }

    /// Feeds the clocks as the daemon reads them: monotonic seconds since t0, and the wall clock
    /// with `offset(s)` added.
    func observe(_ m: inout Monitor, _ s: Int64, offset: Int64) -> Int64? {
        m.observeClock(realtimeNs: (s + offset) * 1_000_000_000 + 300_000_000, monotonicNs: (s - t0 + 5) * 1_000_000_000)
    }

    @Test("the wall clock stepped back an hour: no blind hour, the outage during it fires, status shows the step")
    func stepBack() {
        let rules = [outage, silent]
        var m = Monitor(inputs: [input], rules: rules, clock: .live)
        var steps: [Int64] = []
        let back: (Int64) -> Int64 = { $0 >= self.t0 + 100 ? -3600 : 0 }
        let out = traffic(&m, t0, t0 + 300, outageFrom: t0 + 200, stamp: { $0 + back($0) }, before: { m, s in
            if let step = observe(&m, s, offset: back(s)) { steps.append(step) }
        })
        #expect(steps == [-3600])
        #expect(kinds(out, shift: -3600) == control())
        #expect(m.tally(of: "web")!.tooLate == 0)
        #expect(m.clockReport.steps == 1)
        #expect(m.clockReport.lastStepSeconds == -3600)
        #expect(m.clockReport.lastStepDirection == "back")
        #expect(m.clockReport.line?.hasPrefix("clock: stepped back 1h") == true)
    }

    @Test("the wall clock stepped forward an hour: no false no_traffic, firing or resolution")
    func stepForward() {
        let rules = [outage, silent]
        var m = Monitor(inputs: [input], rules: rules, clock: .live)
        let fwd: (Int64) -> Int64 = { $0 >= self.t0 + 100 ? 3600 : 0 }
        var steps: [Int64] = []
        let out = traffic(&m, t0, t0 + 300, outageFrom: t0 + 200, stamp: { $0 + fwd($0) }, before: { m, s in
            if let step = observe(&m, s, offset: fwd(s)) { steps.append(step) }
        })
        #expect(steps == [3600])
        #expect(kinds(out, shift: 3600) == control())
        #expect(m.tally(of: "web")!.tooLate == 0)
    }

    @Test("a firing alert stepped back keeps its episode: it resolves once calm, not an hour late")
    func firingAcrossStep() {
        var m = Monitor(inputs: [input], rules: [outage], clock: .live)
        let back: (Int64) -> Int64 = { $0 >= self.t0 + 150 ? -3600 : 0 }
        var out: [AlertTransition] = []
        for s in t0..<(t0 + 400) {
            _ = observe(&m, s, offset: back(s))
            for n in 0..<50 {
                let code = s >= t0 + 60 && s < t0 + 200 && n % 5 < 3 ? 502 : 200
                m.accept(line(code, s + back(s)), input: 0, arrival: s + back(s))
            }
            m.advance(wallClock: s + back(s) + 1)
            out += m.takeTransitions()
        }
        #expect(kinds(out) == ["bad-gateway:pending@71", "bad-gateway:firing@81", "bad-gateway:resolved@-3351"])
        #expect(out.last?.firedAt == t0 + 81 - 3600, "the episode's times moved with the clock")
    }

    @Test("a state file saved ahead of the clock is not trusted at start")
    func savedAhead() {
        var m = Monitor(inputs: [input], rules: [outage, silent], clock: .live)
        _ = traffic(&m, t0, t0 + 100)
        let saved = m.snapshot()
        // Restarted with the clock an hour back.
        var again = Monitor(inputs: [input], rules: [outage, silent], clock: .live)
        again.restore(saved)
        let now = t0 + 100 - 3600
        #expect(again.distrustFuture(now: now) == -3600)
        #expect(again.evaluatedThrough == now - 1)
        #expect(again.clockReport.lastStepSource == "state_file")
        let out = traffic(&again, now, now + 200, outageFrom: now + 100)
        #expect(kinds(out, shift: -3600) == control())
        #expect(again.tally(of: "web")!.tooLate == 0)
        // A state file behind the clock (a restart) is trusted as it is.
        var normal = Monitor(inputs: [input], rules: [outage], clock: .live)
        normal.restore(saved)
        #expect(normal.distrustFuture(now: t0 + 130) == nil)
    }

    @Test("small differences are not steps; a step is rounded to whole seconds")
    func watch() {
        var w = WallClockWatch()
        #expect(w.observe(realtimeNs: 10_000_000_000, monotonicNs: 1_000_000_000) == nil)
        #expect(w.observe(realtimeNs: 11_500_000_000, monotonicNs: 2_000_000_000) == nil)
        #expect(w.observe(realtimeNs: 12_000_000_000 - 3_600_400_000_000 + 500_000_000, monotonicNs: 3_000_000_000) == -3600)
        #expect(w.observe(realtimeNs: 13_000_000_000 - 3_600_400_000_000 + 500_000_000, monotonicNs: 4_000_000_000) == nil)
    }
}
