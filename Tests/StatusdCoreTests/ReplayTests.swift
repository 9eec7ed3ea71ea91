import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("replay in event time")
struct ReplayTests {
    /// 10 requests a second; from second 600 to 779, 3 of them are 502.
    static func outageLog(start: Int64) -> [ParseResult] {
        var out: [ParseResult] = []
        for s in Int64(0)..<1000 {
            for k in 0..<10 {
                let bad = s >= 600 && s < 780 && k < 3
                out.append(.entry(status: StatusCode(bad ? 502 : 200)!, time: start + s))
            }
        }
        return out
    }

    @Test("a known outage gives pending, firing and resolved at the right seconds")
    func outage() {
        let t0: Int64 = 1_795_168_800
        let rule = Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 60,
                        minRequests: 20, forSeconds: 30, severity: .critical)
        var session = ReplaySession(rules: [rule])
        for r in Self.outageLog(start: t0) { session.add(r) }
        session.finish()
        let events = session.timeline.map { ($0.kind, $0.at - t0) }
        // Window (t-60, t] holds 600 requests. The rate is above 5% with 11 outage seconds in it
        // (33 of 600), but the small-sample guard wants the 95% Wilson lower bound above 5%: that
        // takes 14 outage seconds (42 of 600, bound 5.2%): from 613; fires 30 s later; resolves
        // (no guard on the way down) when 10 or fewer remain: 839 - t <= 10.
        #expect(events.map(\.0) == [.pending, .firing, .resolved])
        #expect(events.map(\.1) == [613, 643, 829])
        #expect(session.timeline[1].matched == 3 * 44 && session.timeline[1].total == 600)
        #expect(session.tally.totals.requests == 10_000)
    }

    @Test("lines out of order within the window land in their second; the result equals in-order")
    func outOfOrder() {
        let t0: Int64 = 1_795_168_800
        let rule = Rule(name: "r", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 60, minRequests: 20)
        var ordered = ReplaySession(rules: [rule])
        var shuffled = ReplaySession(rules: [rule])
        let log = Self.outageLog(start: t0)
        for r in log { ordered.add(r) }
        // Swap neighbours within each second: a writer that logs requests as they end.
        var mixed = log
        for i in stride(from: 0, to: mixed.count - 1, by: 2) { mixed.swapAt(i, i + 1) }
        for r in mixed { shuffled.add(r) }
        ordered.finish(); shuffled.finish()
        #expect(ordered.timeline.map(\.at) == shuffled.timeline.map(\.at))
    }
}
