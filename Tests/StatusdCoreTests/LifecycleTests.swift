import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("lifecycle: keep_firing_for, repeat, flap damping, groups, inhibition, checkpoints")
struct LifecycleTests {
    func reading(_ breaching: Bool) -> RuleReading {
        RuleReading(breaching: breaching, calm: !breaching, value: breaching ? 0.2 : 0, sum: WindowSum())
    }

    @Test("keep_firing_for: resolves only once the condition has not breached for that long")
    func keepFiring() {
        var s = AlertState()
        let p = AlertPolicy(keepFiringFor: 60)
        #expect(s.step(reading(true), p, now: 0)?.kind == .firing)
        #expect(s.step(reading(false), p, now: 1) == nil)
        #expect(s.step(reading(true), p, now: 30) == nil)
        #expect(s.step(reading(false), p, now: 89) == nil)
        #expect(s.step(reading(false), p, now: 90)?.kind == .resolved)
    }

    @Test("repeat: a reminder every 4h while firing, numbered in the episode")
    func reminders() {
        var s = AlertState()
        let p = AlertPolicy(repeatSeconds: 4 * 3600)
        #expect(s.step(reading(true), p, now: 0) == AlertStep(.firing))
        #expect(s.step(reading(true), p, now: 4 * 3600 - 1) == nil)
        #expect(s.step(reading(true), p, now: 4 * 3600) == AlertStep(.firing, notice: .repeat))
        #expect(s.sequence == 2)
        #expect(s.step(reading(true), p, now: 8 * 3600) == AlertStep(.firing, notice: .repeat))
        #expect(s.step(reading(false), p, now: 8 * 3600 + 1)?.kind == .resolved)
        #expect(s.sequence == 4)
    }

    @Test("flapping: more than flap_limit changes in an hour is held firing, said once, resolved once when settled")
    func flapping() {
        var s = AlertState()
        let p = AlertPolicy(flapLimit: 4)
        var steps: [String] = []
        // 2 minutes bad, 2 minutes good, for an hour; then good.
        for t in Int64(0)..<(3 * 3600) {
            let bad = t < 3600 && (t / 120) % 2 == 0
            if let st = s.step(reading(bad), p, now: t) { steps.append("\(st.notice?.rawValue ?? st.kind.rawValue)@\(t)") }
        }
        // firing, resolved, firing, resolved, then the 5th change: flapping (held), resolved once 30 min after it settled.
        #expect(steps == ["firing@0", "resolved@120", "firing@240", "resolved@360", "flapping@480", "resolved@\(3480 + 1800)"], "\(steps)")
    }

    @Test("group_by input: one alert per input, naming it; a cap folds the rest into other")
    func groups() {
        let inputs = ["a", "b", "c"].map { InputConfig(name: $0, paths: ["/\($0)"]) }
        var rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20)
        rule.groupBy = [.input]
        var m = Monitor(inputs: inputs, rules: [rule], clock: .lines)
        for s in Int64(0)..<120 {
            for i in 0..<3 {
                for k in 0..<10 { m.accept(.entry(status: StatusCode(i == 1 && s >= 30 && k < 5 ? 502 : 200)!, time: s), input: i, arrival: s) }
            }
        }
        m.finish()
        let out = m.takeTransitions()
        #expect(out.map(\.group) == ["b"])
        #expect(out.first?.alertID == "server-errors[b]@\(out.first?.at ?? 0)")
        #expect(out.first?.inputs == ["b"])
        #expect(m.state(of: "server-errors", group: "b")?.phase == .firing)
        #expect(m.state(of: "server-errors", group: "a")?.phase == .ok)

        rule.maxGroups = 2
        let capped = Monitor(inputs: inputs, rules: [rule], clock: .lines)
        #expect(capped.rules[0].series.map(\.group) == ["a", "b", "other"])
        #expect(capped.rules[0].folded == ["c"])
    }

    @Test("inhibits: while origin-errors fires for a group, server-errors for it is marked inhibited, resolution too")
    func inhibition() {
        var origin = Rule(name: "origin-errors", match: set("52x"), rateAbove: 0.01, window: 60, minRequests: 20)
        origin.inhibits = ["server-errors"]
        let server = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 20)
        var m = Monitor(inputs: [InputConfig(name: "web", paths: ["/w"])], rules: [server, origin], clock: .lines)
        for s in Int64(0)..<300 {
            for k in 0..<10 { m.accept(.entry(status: StatusCode(s >= 60 && s < 150 && k < 5 ? 522 : 200)!, time: s), input: 0, arrival: s) }
        }
        m.finish()
        let out = m.takeTransitions().filter(\.kind.notifies)
        let server5 = out.filter { $0.rule == "server-errors" }
        #expect(server5.map(\.kind) == [.firing, .resolved])
        #expect(server5.allSatisfy { $0.inhibitedBy == "origin-errors" })
        #expect(out.filter { $0.rule == "origin-errors" }.allSatisfy { $0.inhibitedBy == nil })
    }

    @Test("SLO rule through the monitor: page then ticket tracks with their severities; long buckets survive a snapshot")
    func sloMonitor() throws {
        let rule = Rule(name: "availability", match: set("5xx"), condition: .slo(SLOCondition(objective: 0.999)))
        let input = InputConfig(name: "web", paths: ["/w"])
        var m = Monitor(inputs: [input], rules: [rule], clock: .lines)
        // 20 requests a second; 50% errors from 1h to 1h20m: 500x burn. With one hour of history
        // the 1h window is full and the 6h window holds a sixth of its span (counted as a sixth,
        // not extrapolated), so the 1h/5m pair (14.4x) pages first, within two minutes.
        for s in Int64(0)..<(2 * 3600) {
            for k in 0..<20 {
                let bad = s >= 3600 && s < 4800 && k < 10
                m.accept(.entry(status: StatusCode(bad ? 503 : 200)!, time: s), input: 0, arrival: s)
            }
        }
        let out = m.takeTransitions()
        let page = out.first { $0.kind == .firing && $0.track == "page" }
        let ticket = out.first { $0.kind == .firing && $0.track == "ticket" }
        #expect(page?.severity == .critical && ticket?.severity == .warning)
        #expect(page.map { $0.at - 3600 }.map { $0 > 0 && $0 <= 120 } == true, "pages within two minutes: \(String(describing: page?.at))")
        #expect(page?.detail?.hasPrefix("page: 1h burn") == true && page?.detail?.contains("of the 30d error budget left") == true,
                "\(page?.detail ?? "")")
        #expect(out.contains { $0.kind == .resolved && $0.track == "page" }, "the page resets once the 30m window cools")
        #expect(page?.alertID?.hasPrefix("availability/page@") == true)
        let snap = m.snapshot()
        #expect(snap.long?["availability"] != nil)
        #expect(snap.alerts.keys.sorted() == ["availability/page", "availability/ticket"])
        // A restart from the snapshot reads the same burn rates.
        var n = Monitor(inputs: [input], rules: [rule], clock: .lines)
        n.restore(try JSONDecoder().decode(MonitorSnapshot.self, from: JSONEncoder().encode(snap)))
        m.accept(.entry(status: StatusCode(200)!, time: 2 * 3600 + 5), input: 0, arrival: 2 * 3600 + 5)
        n.accept(.entry(status: StatusCode(200)!, time: 2 * 3600 + 5), input: 0, arrival: 2 * 3600 + 5)
        #expect(m.rules[0].series[0].tracks.map(\.reading.burnRates) == n.rules[0].series[0].tracks.map(\.reading.burnRates))
        #expect(n.state(of: "availability", group: nil, track: "page")?.phase == m.state(of: "availability", group: nil, track: "page")?.phase)
    }

    @Test("a state file from before groups, tracks and long windows still loads")
    func oldSnapshot() throws {
        let json = """
        {"inputs": {"web": {"codes": {"200": 5}, "unparsed": 0, "ignored": 0, "too_late": 0, "out_of_range": 0, "buckets": [[100, 200, 5]]}},
         "alerts": {"server-errors": {"phase": "firing", "since": 90, "firedAt": 90, "peakRate": 0.2}},
         "evaluatedThrough": 100, "clock": 100}
        """
        let snap = try JSONDecoder().decode(MonitorSnapshot.self, from: Data(json.utf8))
        let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60)
        var m = Monitor(inputs: [InputConfig(name: "web", paths: ["/w"])], rules: [rule], clock: .lines)
        m.restore(snap)
        #expect(m.state(of: "server-errors")?.phase == .firing)
        #expect(m.state(of: "server-errors")?.sequence == 1)
    }
}
