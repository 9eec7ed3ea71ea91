import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("alert messages")
struct AlertMessageTests {
    func event(_ kind: AlertTransitionKind, at: Int64, firedAt: Int64?) -> AlertTransition {
        let r = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, resolveBelow: 0.02, window: 300, severity: .critical)
        let sum = WindowSum(total: 2000, matched: 146, codes: [(StatusCode(503)!, 26), (StatusCode(502)!, 120)])
        return AlertTransition(rule: r, kind: kind, sum: sum, inputs: ["web"], at: at, firedAt: firedAt, peakRate: 0.2)
    }

    @Test("a firing message says rule, rate against limit, counts, window, since when, codes and their meaning")
    func firing() {
        let m = AlertMessage.render(event(.firing, at: 43_395, firedAt: 43_395))
        #expect(m.hasPrefix("[critical] server-errors FIRING: 7.3% of requests were 5xx over the last 5m on web"))
        #expect(m.contains("(146 of 2,000; limit 5%)"))
        #expect(m.contains("since 12:03:15 UTC"))
        #expect(m.contains("502 ×120 (Bad Gateway: usually upstream (down or crashing)), 503 ×26 (Service Unavailable"))
    }

    @Test("a resolved message says how long it lasted and its peak")
    func resolved() {
        let m = AlertMessage.render(event(.resolved, at: 43_395 + 252, firedAt: 43_395))
        #expect(m.hasPrefix("[resolved] server-errors: 5xx back to 7.3%"))
        #expect(m.contains("It fired at 12:03:15 UTC, lasted 4m12s and peaked at 20%."))
    }

    @Test func formats() {
        #expect(Percent.format(0.073) == "7.3%")
        #expect(Percent.format(0.05) == "5%")
        #expect(Percent.format(0.0025) == "0.25%")
        #expect(Percent.format(1) == "100%")
        #expect(Percent.format(0.125) == "12.5%")
        #expect(Count.format(1_240) == "1,240")
        #expect(Count.format(999) == "999")
        #expect(Count.format(1_000_000) == "1,000,000")
        #expect(DurationText.parse("1h30m") == 5400)
        #expect(DurationText.parse("5m") == 300)
        #expect(DurationText.parse("2d") == 172_800)
        #expect(DurationText.parse("5") == nil)
        #expect(DurationText.parse("m5") == nil)
        #expect(DurationText.format(5400) == "1h30m")
        #expect(CivilTime.iso8601(1_431_857_103) == "2015-05-17T10:05:03Z")
        #expect(CivilTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    }

    @Test("a count rule says how many requests, not a share; a reminder says it is still firing")
    func countRule() {
        let rule = Rule(name: "aborts-burst", match: set("000"), condition: .count(CountCondition(limit: 50, window: 60)), severity: .warning)
        let sum = WindowSum(total: 400, matched: 51, codes: [(StatusCode(0)!, 51)])
        let reading = rule.condition.evaluate([sum])
        var state = AlertState()
        _ = state.evaluate(reading, forSeconds: 0, resolveFor: 0, now: 100)
        let firing = AlertTransition(rule: rule, kind: .firing, reading: reading, inputs: ["web"], at: 100, state: state, firedAt: 100)
        let m = AlertMessage.render(firing)
        #expect(m.contains("aborts-burst FIRING: 51 requests were 000 over the last 1m on web (of 400; limit 50)"), "\(m)")
        #expect(!m.contains("%"))
        var reminder = firing
        reminder.notice = .repeat
        #expect(AlertMessage.render(reminder).contains("aborts-burst STILL FIRING: 51 requests"))
    }
}
