import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("monitor: one evaluation for live and replay")
struct MonitorTests {
    let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20,
                    forSeconds: 30, severity: .critical)
    let input: InputConfig = {
        var i = InputConfig(name: "web", paths: ["/var/log/nginx/access.log"])
        i.maxSkewSeconds = 86400
        return i
    }()

    func kinds(_ ts: [AlertTransition], from t0: Int64) -> [String] {
        ts.map { "\($0.kind.rawValue)@\($0.at - t0)" }
    }

    @Test("live lines as they happen, the same lines as a backlog, and replay give the same transitions")
    func liveBacklogReplay() {
        let t0: Int64 = 1_795_168_800
        let log = ReplayTests.outageLog(start: t0)
        // Replay: the lines' own clock.
        var replay = ReplaySession(rules: [rule])
        for r in log { replay.add(r) }
        replay.finish()

        // Live: each second's lines arrive during that second; the wall clock ticks after each.
        var live = Monitor(inputs: [input], rules: [rule], clock: .live)
        var liveOut: [AlertTransition] = []
        var k = 0
        for s in t0..<(t0 + 1000) {
            while k < log.count, case .entry(_, let t?) = log[k], t == s {
                live.accept(log[k], input: 0, arrival: s)
                k += 1
            }
            live.advance(wallClock: s + 1)
            liveOut += live.takeTransitions()
        }

        // Backlog: all of it read at once, 100 s after it ended (a restart), then the clock ticks.
        var backlog = Monitor(inputs: [input], rules: [rule], clock: .live)
        let now = t0 + 1100
        for r in log { backlog.accept(r, input: 0, arrival: now) }
        backlog.advance(wallClock: now)
        let backlogOut = backlog.takeTransitions()

        // With the small-sample guard (see ReplayTests.outage): pending at 613, not 610.
        let expected = ["pending@613", "firing@643", "resolved@829"]
        #expect(kinds(replay.timeline, from: t0) == expected)
        #expect(kinds(liveOut, from: t0) == expected)
        #expect(kinds(backlogOut, from: t0) == expected)
        #expect(liveOut.allSatisfy { !$0.late })
        #expect(backlogOut.allSatisfy { $0.late && $0.seenAt == now }, "a backlog's transitions say they were seen late")
    }

    @Test("firing and resolved share an episode id; the resolved notice is its second notification")
    func identity() {
        let t0: Int64 = 1_795_168_800
        var m = Monitor(inputs: [input], rules: [rule], clock: .lines)
        for r in ReplayTests.outageLog(start: t0) {
            guard case .entry(_, let t?) = r else { continue }
            m.accept(r, input: 0, arrival: t)
        }
        m.finish()
        let notes = m.takeTransitions().filter { $0.kind.notifies }
        #expect(notes.map(\.alertID) == ["server-errors@\(t0 + 643)", "server-errors@\(t0 + 643)"])
        #expect(notes.map(\.sequence) == [1, 2])
        #expect(notes.map(\.idempotencyKey) == ["server-errors@\(t0 + 643)/1", "server-errors@\(t0 + 643)/2"])
    }

    @Test("a line stamped in the future cannot run live evaluation ahead of the arrival clock")
    func futureLine() {
        var m = Monitor(inputs: [input], rules: [rule], clock: .live)
        m.accept(.entry(status: StatusCode(200)!, time: 1000), input: 0, arrival: 1000)
        m.accept(.entry(status: StatusCode(200)!, time: 1200), input: 0, arrival: 1001)
        #expect(m.evaluatedThrough == 1000)
        #expect(m.clock == 1001)
    }

    @Test("rolling sums equal a fresh sum of the ring, through late lines and evictions")
    func rollingEqualsRescan() {
        var m = Monitor(inputs: [input], rules: [rule], clock: .lines)
        var rng = SplitMix64(seed: 7)
        for s in Int64(0)..<2000 {
            for _ in 0..<Int(rng.next() % 6) {
                let code = [200, 200, 404, 502, 503][Int(rng.next() % 5)]
                // Now and then a line up to 40 s late.
                let late = rng.next() % 10 == 0 ? Int64(rng.next() % 40) : 0
                m.accept(.entry(status: StatusCode(code)!, time: 10_000 + s - late), input: 0, arrival: 0)
            }
            if s % 97 == 0, let through = m.evaluatedThrough {
                let fresh = m.inputs[0].tally.window.sum(lastSeconds: 60, endingAt: through, matching: set("5xx"))
                let rolling = m.rules[0].sums[0].sum
                #expect(rolling.total == fresh.total && rolling.matched == fresh.matched && rolling == fresh)
            }
        }
    }

    @Test("a quiet stretch longer than the window is crossed in one step and still resolves")
    func quietStretch() {
        var m = Monitor(inputs: [input], rules: [rule], clock: .lines)
        for s in Int64(0)..<100 {
            for k in 0..<10 { m.accept(.entry(status: StatusCode(k < 5 ? 502 : 200)!, time: s), input: 0, arrival: s) }
        }
        // Silence for a week, then one line.
        m.accept(.entry(status: StatusCode(200)!, time: 100 + 7 * 86400), input: 0, arrival: 100 + 7 * 86400)
        let kinds = m.takeTransitions().map(\.kind)
        #expect(kinds == [.pending, .firing, .resolved])
    }
}
