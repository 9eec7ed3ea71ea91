import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Issue 24: the quick all-clear of SLO pages, evidence before a long window speaks (a fresh
/// history, a group that just appeared), and seasonal baselines for `spike` and `no_traffic`.
@Suite("alert quality: quick all-clear, history of long windows, seasonal baselines")
struct AlertQualityTests {
    static let slo = SLOCondition(objective: 0.999, period: 30 * 86400)

    static func monitor(_ rules: [Rule], format: LogFormat = .combined) -> Monitor {
        var input = InputConfig(name: "web", paths: [], format: format)
        input.maxSkewSeconds = .max
        return Monitor(inputs: [input], rules: rules, clock: .lines)
    }

    /// `n` requests in second `s`, the first `errors` of them 503.
    static func second(_ m: inout Monitor, _ s: Int64, _ n: Int, errors: Int = 0) -> [AlertTransition] {
        for k in 0..<n { m.accept(.entry(status: StatusCode(k < errors ? 503 : 200)!, time: s), input: 0, arrival: s) }
        return m.takeTransitions()
    }

    static func sloRule(_ allClear: SLOCondition.AllClear = .quick) -> Rule {
        Rule(name: "availability", match: set("5xx"), condition: .slo(SLOCondition(objective: 0.999, allClear: allClear)))
    }

    // MARK: tickets need evidence

    @Test("two seconds into a fresh history, 1 error in 40 requests opens no ticket (read as a full 3d window, it did)")
    func freshHistoryNoTicket() {
        // Every window holds the same 40 requests.
        let sums = Array(repeating: WindowSum(total: 40, matched: 1), count: Self.slo.windows.count)
        #expect(Self.slo.evaluateTracks(sums)[1].breaching, "history-blind, the 3d and 6h windows both burn 25x: the old ticket")
        let r = Self.slo.evaluateTracks(sums, RuleContext(history: 2))
        #expect(!r[0].breaching && !r[1].breaching)
        #expect(r[1].detail?.contains("(2s of history)") == true, "\(r[1].detail ?? "")")
        // Through the monitor: 20 requests a second for 2 s (one error), then one a second.
        var m = Self.monitor([Self.sloRule()])
        var out: [AlertTransition] = []
        for s in Int64(0)..<600 { out += Self.second(&m, s, s < 2 ? 20 : 1, errors: s == 1 ? 1 : 0) }
        m.finish()
        out += m.takeTransitions()
        #expect(out.filter { $0.kind == .firing }.isEmpty, "\(out.map { "\($0.track ?? "") \($0.kind) \($0.at)" })")
    }

    @Test("a 20 s deploy blip six hours into a fresh install opens no ticket; read as full, the 3d window would have")
    func deployBlipNoTicket() {
        var m = Self.monitor([Self.sloRule()])
        var out: [AlertTransition] = []
        let blip: Range<Int64> = 21600..<21620
        for s in Int64(0)..<(21600 + 1800) {
            // 10 requests a second, 0.03% errors; 100% 503 during the blip.
            let errors = blip.contains(s) ? 10 : (s % 334 == 0 ? 1 : 0)
            out += Self.second(&m, s, 10, errors: errors)
            if s == blip.upperBound + 60 {
                // The same sums, read without the history: the ticket's pair breaches.
                let sums = m.windowSums(0, 0, at: s - 1)
                #expect(Self.slo.evaluateTracks(sums)[1].breaching, "history-blind ticket: \(Self.slo.evaluateTracks(sums)[1].detail ?? "")")
                #expect(m.context(0, 0, at: s - 1).history < 21700)
            }
        }
        m.finish()
        out += m.takeTransitions()
        #expect(out.filter { $0.kind == .firing }.isEmpty, "\(out.map { "\($0.track ?? "") \($0.kind) \($0.at) \($0.detail ?? "")" })")
    }

    /// A vhost_combined line for `host`.
    static func hostLine(_ host: String) -> [UInt8] {
        Array("\(host):443 192.0.2.1 - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"ua\"".utf8)
    }

    @Test("a group that just appeared does not read its few seconds as three days")
    func newGroupNoTicket() {
        var rule = Self.sloRule()
        rule.groupBy = [.host]
        var m = Self.monitor([rule])
        let old = Self.hostLine("a.example"), new = Self.hostLine("b.example")
        var out: [AlertTransition] = []
        for s in Int64(0)..<4000 {
            for _ in 0..<10 { old.withUnsafeBytes { m.accept(.entry(status: StatusCode(200)!, time: s), line: $0, input: 0, arrival: s) } }
            // b.example appears at 3600 s: 40 requests in 2 s, one of them an error, then 1 a second.
            if s >= 3600 {
                for k in 0..<(s < 3602 ? 20 : 1) {
                    let code = s == 3601 && k == 0 ? 503 : 200
                    new.withUnsafeBytes { m.accept(.entry(status: StatusCode(code)!, time: s), line: $0, input: 0, arrival: s) }
                }
            }
            out += m.takeTransitions()
        }
        m.finish()
        out += m.takeTransitions()
        #expect(m.rules[0].series.map(\.group).contains("b.example"))
        #expect(out.filter { $0.kind == .firing }.isEmpty, "\(out.map { "\($0.group ?? "") \($0.track ?? "") \($0.kind) \($0.at)" })")
    }

    @Test("the small-sample guard holds for every pair: 3 errors in 20 requests open no ticket at 1x")
    func guardEveryPair() {
        let few = Array(repeating: WindowSum(total: 19, matched: 3), count: Self.slo.windows.count)
        #expect(Self.slo.evaluateTracks(few).allSatisfy { !$0.breaching }, "under min_requests")
        let many = Array(repeating: WindowSum(total: 2000, matched: 3), count: Self.slo.windows.count)
        // 0.15% of 2,000 is 1.5x, but its Wilson lower bound (0.05%) is under 1x.
        #expect(!Self.slo.evaluateTracks(many)[1].breaching)
        let bare = SLOCondition(objective: 0.999, wilsonGuard: false)
        #expect(bare.evaluateTracks(many)[1].breaching)
    }

    // MARK: quick all-clear

    /// 10 requests a second for an hour, `outage` at 50% errors, healthy after; `second` another
    /// incident at 30%.
    static func outage(_ allClear: SLOCondition.AllClear, length: Int64 = 3600 + 600 + 2400, second: Range<Int64>? = nil,
                       restartAt: Int64? = nil) -> [AlertTransition] {
        var m = monitor([sloRule(allClear)])
        var out: [AlertTransition] = []
        for s in Int64(0)..<length {
            if s == restartAt {
                let snap = m.snapshot()
                m = monitor([sloRule(allClear)])
                m.restore(try! JSONDecoder().decode(MonitorSnapshot.self, from: JSONEncoder().encode(snap)))
            }
            let bad = s >= 3600 && s < 4200 ? 5 : (second?.contains(s) == true ? 3 : 0)
            out += Self.second(&m, s, 10, errors: bad)
        }
        return out.filter { $0.track == "page" && $0.kind.notifies }
    }

    @Test("quick all-clear: a hard outage resolves 5 minutes after it ends, once, with no second page; Workbook: about 30")
    func quickAllClear() {
        let quick = Self.outage(.quick)
        #expect(quick.map(\.kind) == [.firing, .resolved], "\(quick.map { "\($0.kind) \($0.at)" })")
        let reset = quick.last.map { $0.at - 4200 } ?? -1
        #expect(reset > 0 && reset <= 7 * 60, "resolved \(reset) s after the end")
        let workbook = Self.outage(.workbook)
        #expect(workbook.map(\.kind) == [.firing, .resolved])
        let slow = workbook.last.map { $0.at - 4200 } ?? -1
        #expect(slow > 25 * 60, "the Workbook waits for the 30m window: \(slow) s")
        #expect(quick.first?.at == workbook.first?.at, "detection is the same")
    }

    @Test("quick all-clear: a second incident pages again; the held pairs alone do not")
    func secondIncident() {
        // 15 minutes after the first ended (10 after its all-clear), 30% errors for 5 minutes.
        let out = Self.outage(.quick, second: 5100..<5400)
        #expect(out.map(\.kind) == [.firing, .resolved, .firing, .resolved], "\(out.map { "\($0.kind) \($0.at)" })")
        #expect(out.count == 4 && out[2].at >= 5100 && out[2].at < 5100 + 300)
    }

    @Test("quick all-clear: the held pairs survive a restart (no page after it)")
    func heldSurvivesRestart() {
        // Restart 2 minutes after the all-clear, while the 6h/30m pair still breaches.
        let out = Self.outage(.quick, restartAt: 4200 + 300 + 120)
        #expect(out.map(\.kind) == [.firing, .resolved], "\(out.map { "\($0.kind) \($0.at)" })")
    }

    @Test("quick all-clear needs requests: an empty last 5 minutes does not resolve a page")
    func quickNeedsRequests() {
        let hot = WindowSum(total: 10_000, matched: 2_000)
        var sums = Array(repeating: hot, count: Self.slo.windows.count)
        sums[0] = WindowSum()
        // The 6h/30m pair still breaches; the empty 5 minutes prove nothing.
        #expect(!Self.slo.evaluateTracks(sums)[0].calm)
        sums[0] = WindowSum(total: 3000, matched: 1)
        #expect(Self.slo.evaluateTracks(sums)[0].calm)
        #expect(!SLOCondition(objective: 0.999, allClear: .workbook).evaluateTracks(sums)[0].calm)
    }

    // MARK: seasonal baselines

    /// A day: busy 4 requests a second from 07:00 to 23:00 with 0.05% errors; 0.3 a second at
    /// night with 0.5% (bots): normal for those hours.
    static func day(_ s: Int64) -> (Int, Int) {
        let hour = (s % 86400) / 3600
        let night = hour < 7 || hour >= 23
        let perSecond = night ? 0.3 : 4
        let n = Int((Double(s + 1) * perSecond).rounded(.down) - (Double(s) * perSecond).rounded(.down))
        let rate = night ? 0.005 : 0.0005
        let e = Int((Double(s + 1) * perSecond * rate).rounded(.down) - (Double(s) * perSecond * rate).rounded(.down))
        return (n, min(n, e))
    }

    static func seasonRules(_ season: SeasonalBaseline?) -> [Rule] {
        [
            Rule(name: "error-spike", match: set("5xx"),
                 condition: .spike(SpikeCondition(factor: 4, window: 600, baseline: 3600, floor: 0.002, seasonal: season))),
            Rule(name: "traffic-drop", match: StatusSet(),
                 condition: .noTraffic(NoTrafficCondition(window: 600, below: 0.10, baseline: 3600, seasonal: season))),
        ]
    }

    @Test("same_hour_yesterday: no page at 23:00 or 07:00 once a day of history is there; before, the plain baseline, said in status")
    func seasonal() throws {
        var plain = Self.monitor(Self.seasonRules(nil))
        var seasonal = Self.monitor(Self.seasonRules(.sameHourYesterday))
        var plainOut: [AlertTransition] = [], seasonalOut: [AlertTransition] = []
        var fallbackOnDay0: String?, fallbackOnDay1: String?
        for s in Int64(0)..<(2 * 86400) {
            let (n, e) = Self.day(s)
            plainOut += Self.second(&plain, s, n, errors: e)
            seasonalOut += Self.second(&seasonal, s, n, errors: e)
            if s == 12 * 3600 { fallbackOnDay0 = RuleReport(seasonal.rules[0], inputNames: ["web"]).baselineFallback }
            if s == 86400 + 12 * 3600 { fallbackOnDay1 = RuleReport(seasonal.rules[0], inputNames: ["web"]).baselineFallback }
        }
        let secondDay: (AlertTransition) -> Bool = { $0.kind == .firing && $0.at >= 86400 }
        #expect(!plainOut.filter(secondDay).isEmpty, "the plain 1h baseline pages when the night begins or ends")
        #expect(seasonalOut.filter(secondDay).isEmpty, "\(seasonalOut.filter(secondDay).map { "\($0.rule) \($0.at % 86400) \($0.detail ?? "")" })")
        #expect(fallbackOnDay0?.hasPrefix("same_hour_yesterday needs ") == true && fallbackOnDay0?.contains("comparing with the previous 1h") == true,
                "\(fallbackOnDay0 ?? "nil")")
        #expect(fallbackOnDay1 == nil)
        // The checkpoint keeps hourly buckets (at most 27: a day and two hours, one more for the ring), and a restart goes on comparing.
        let snap = seasonal.snapshot()
        let hours = try #require(snap.seasonal?["error-spike"])
        #expect(hours.tiers.count == 1 && hours.tiers[0].count <= 27)
        var restarted = Self.monitor(Self.seasonRules(.sameHourYesterday))
        restarted.restore(try JSONDecoder().decode(MonitorSnapshot.self, from: JSONEncoder().encode(snap)))
        _ = Self.second(&restarted, 2 * 86400, 1)
        _ = Self.second(&restarted, 2 * 86400 + 1, 1)
        #expect(restarted.context(0, 0, at: 2 * 86400).seasonal != nil)
        #expect(RuleReport(restarted.rules[0], inputNames: ["web"]).baselineFallback == nil)
    }

    @Test("same_hour_last_week: the level of the same 10 minutes a week ago, pro rata over hourly buckets")
    func levelProRata() {
        var t = TieredCounts(hourlySpan: SeasonalBaseline.sameHourLastWeek.span)
        for s in Int64(0)..<(3 * 3600) { t.ingest(s, total: s < 3600 ? 1 : 10, matched: 0) }
        // 600 s ending at 3899: 300 s of the first hour (1/s), 300 of the second (10/s).
        let level = t.level(length: 600, endingAt: 3899)
        #expect(level.map { abs($0.total - 3300) < 1e-6 } == true, "\(String(describing: level))")
        #expect(t.level(length: 600, endingAt: -1) == nil, "before the history")
        #expect(t.bucketBytes < 1500)
    }

    // MARK: config

    func load(_ rules: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: "inputs:\n  - {name: web, path: /w}\nrules:\n" + rules, file: "c.yaml")
    }

    @Test("config: resolve_for and all_clear on SLO rules, seasonal baselines")
    func config() throws {
        let c = try load("""
          - {name: a, match: 5xx, objective: 99.9%}
          - {name: b, match: 5xx, objective: 99.9%, resolve_for: 10m}
          - {name: c, match: 5xx, objective: 99.9%, all_clear: workbook, resolve_for: 2m}
          - {name: d, match: 5xx, spike: 4x, baseline: same_hour_last_week}
          - {name: e, no_traffic: 10m, below: 10%, baseline: same_hour_yesterday}
        """).get()
        guard case .slo(let a) = c.rules[0].condition, case .slo(let b) = c.rules[1].condition, case .slo(let w) = c.rules[2].condition else {
            Issue.record("not SLOs"); return
        }
        #expect(a.allClear == .quick && a.resolveFor == 300 && c.rules[0].resolveFor == 0)
        #expect(b.resolveFor == 600 && c.rules[1].resolveFor == 0 && b.windows.last == 600)
        #expect(w.allClear == .workbook && c.rules[2].resolveFor == 120, "Workbook: resolve_for keeps its meaning")
        #expect(c.rules[3].condition.seasonal == .sameHourLastWeek)
        #expect(c.rules[4].condition.seasonal == .sameHourYesterday)
    }

    @Test("config: wrong values of the new keys name their place")
    func configErrors() {
        guard case .failure(let e) = load("""
          - {name: a, match: 5xx, objective: 99.9%, all_clear: fast}
          - {name: b, match: 5xx, objective: 99.9%, resolve_for: 10s}
          - {name: c, match: 5xx, rate_above: 5%, all_clear: quick}
          - {name: d, match: 5xx, spike: 4x, baseline: same_hour_last_year}
          - {name: e, no_traffic: 10m, baseline: same_hour_yesterday}
        """) else { Issue.record("loaded"); return }
        let text = e.description
        #expect(text.contains("c.yaml:4:56: "), "\(text)")
        #expect(text.contains("`all_clear`") && text.contains("quick") && text.contains("workbook"), "\(text)")
        #expect(text.contains("c.yaml:5:58: `resolve_for` of an SLO rule with the quick all-clear must be 1m to 6h, not 10s"), "\(text)")
        #expect(text.contains("c.yaml:6:54: `all_clear` does not apply to a rate rule (it goes with slo)"), "\(text)")
        #expect(text.contains("c.yaml:7:48: `baseline` takes a duration (1h) or same_hour_yesterday, same_hour_last_week, not `same_hour_last_year`"), "\(text)")
        #expect(text.contains("c.yaml:8:42: a seasonal `baseline` needs `below`"), "\(text)")
    }
}
