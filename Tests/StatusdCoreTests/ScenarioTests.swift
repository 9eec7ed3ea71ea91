import Testing
@testable import StatusdCore

/// Generated traffic with a known truth, through the recommended rules (a 99.9%/30d SLO with the
/// Workbook's pairs, and a flatline): each alert fires within its expected detection time and
/// resolves within its expected reset time, nothing fires for the blip and the quiet night, the
/// flapping upstream pages once, and live evaluation gives the same transitions as replay.
@Suite("scenarios with a known truth")
struct ScenarioTests {
    static let rules: [Rule] = [
        Rule(name: "availability", match: set("5xx"), condition: .slo(SLOCondition(objective: 0.999, period: 30 * 86400))),
        Rule(name: "site-silent", match: StatusSet(), condition: .noTraffic(NoTrafficCondition(window: 300))),
    ]

    struct Scenario {
        var name: String
        /// The alert expected (`availability/page`, `availability/ticket`, `site-silent`), or nil.
        var expect: String?
        /// The truth: when the incident starts and ends (seconds from the start).
        var t1: Int64 = 0, t2: Int64 = 0
        var detectWithin: Int64 = 0, resetWithin: Int64 = 0
        /// Alerts that are right too, besides the expected one (a long outage also spends enough
        /// of the month's budget to open a ticket).
        var also: Set<String> = []
        var length: Int64
        /// Requests and errors in second `s`.
        var traffic: (Int64) -> (requests: Int, errors: Int)
    }

    /// `rate` of `perSecond` requests, spread evenly (no randomness: the truth is exact).
    static func spread(_ s: Int64, _ perSecond: Double, _ rate: Double) -> (Int, Int) {
        let n = Int((Double(s + 1) * perSecond).rounded(.down) - (Double(s) * perSecond).rounded(.down))
        let total = Double(s) * perSecond
        let e = Int(((total + Double(n)) * rate).rounded(.down) - (total * rate).rounded(.down))
        return (n, min(n, e))
    }

    static let warm: Int64 = 7 * 3600 // history so the 6h windows are full
    static let background = 0.0003   // 0.03% errors on a healthy day

    static var scenarios: [Scenario] {
        let w = warm
        return [
            Scenario(name: "outage 20% for 20 min", expect: "availability/page", t1: w, t2: w + 1200,
                     detectWithin: 300, resetWithin: 35 * 60, also: ["availability/ticket"], length: w + 3600) { s in
                spread(s, 10, s >= w && s < w + 1200 ? 0.20 : background)
            },
            Scenario(name: "slow burn 0.5% (5x) for 12 h", expect: "availability/ticket", t1: w, t2: w + 12 * 3600,
                     detectWithin: 3 * 3600, resetWithin: 6 * 3600, length: w + 18 * 3600 + 600) { s in
                spread(s, 4, s >= w && s < w + 12 * 3600 ? 0.005 : background)
            },
            // Three days of history, so the 3d window sees the blip as the small thing it is.
            Scenario(name: "30 s blip at 100%", expect: nil, t1: 3 * 86400, t2: 3 * 86400 + 30, length: 3 * 86400 + 3600) { s in
                spread(s, 1, s >= 3 * 86400 && s < 3 * 86400 + 30 ? 1 : background)
            },
            Scenario(name: "quiet night, 5 errors in 2 min", expect: nil, t1: w, t2: w + 120, length: w + 3600) { s in
                let n = s % 5 == 0 ? 1 : 0
                return (n, n == 1 && s >= w && s < w + 120 && s % 25 == 0 ? 1 : 0)
            },
            Scenario(name: "flapping upstream 2m/5m for 1 h", expect: "availability/page", t1: w, t2: w + 3600,
                     detectWithin: 600, resetWithin: 35 * 60, also: ["availability/ticket"], length: w + 2 * 3600) { s in
                spread(s, 10, s >= w && s < w + 3600 && (s - w) % 300 < 120 ? 0.30 : background)
            },
            Scenario(name: "site stops logging for 30 min", expect: "site-silent", t1: w, t2: w + 1800,
                     detectWithin: 301, resetWithin: 1, length: w + 3600) { s in
                s >= w && s < w + 1800 ? (0, 0) : spread(s, 10, background)
            },
        ]
    }

    static func lines(_ sc: Scenario, second s: Int64) -> [ParseResult] {
        let (n, e) = sc.traffic(s)
        return (0..<n).map { .entry(status: StatusCode($0 < e ? 503 : 200)!, time: s) }
    }

    static func replay(_ sc: Scenario) -> [AlertTransition] {
        var session = ReplaySession(rules: rules)
        for s in 0..<sc.length { for l in lines(sc, second: s) { session.add(l) } }
        session.finish(through: sc.length - 1)
        return session.timeline
    }

    static func live(_ sc: Scenario) -> [AlertTransition] {
        var input = InputConfig(name: "replay", paths: [])
        input.maxSkewSeconds = 300
        var m = Monitor(inputs: [input], rules: rules, clock: .live)
        var out: [AlertTransition] = []
        for s in 0..<sc.length {
            for l in lines(sc, second: s) { m.accept(l, input: 0, arrival: s) }
            m.advance(wallClock: s + 1)
            out += m.takeTransitions()
        }
        return out
    }

    static func key(_ t: AlertTransition) -> String { AlertKey.name(rule: t.rule, group: t.group, track: t.track) }

    @Test("each scenario: detection, reset and false alerts within bounds; live equals replay")
    func scenarios() {
        var table = ["scenario                          expected             detected at  resolved at  false alerts  pages  also"]
        for sc in Self.scenarios {
            let r = Self.replay(sc)
            let l = Self.live(sc)
            let sig: (AlertTransition) -> String = { "\(Self.key($0)) \($0.kind.rawValue) \($0.notice?.rawValue ?? "") \($0.at)" }
            #expect(r.map(sig) == l.map(sig), "\(sc.name): live and replay differ\nreplay \(r.map(sig))\nlive   \(l.map(sig))")
            let firings = r.filter { $0.kind == .firing && $0.notice == nil }
            let expected = firings.filter { Self.key($0) == sc.expect }
            let falseAlerts = firings.filter { Self.key($0) != sc.expect && !sc.also.contains(Self.key($0)) }
            let detected = expected.first.map { $0.at - sc.t1 }
            let resolved = r.first { $0.kind == .resolved && Self.key($0) == sc.expect }.map { $0.at - sc.t2 }
            let pages = firings.filter { $0.severity == .critical }.count
            func t(_ v: Int64?) -> String { v.map { "+" + DurationText.format(max(0, $0)) } ?? "-" }
            table.append(sc.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + (sc.expect ?? "nothing").padding(toLength: 21, withPad: " ", startingAt: 0)
                + t(detected).padding(toLength: 13, withPad: " ", startingAt: 0)
                + t(resolved).padding(toLength: 13, withPad: " ", startingAt: 0)
                + "\(falseAlerts.count)".padding(toLength: 14, withPad: " ", startingAt: 0) + "\(pages)".padding(toLength: 7, withPad: " ", startingAt: 0)
                + Set(firings.map(Self.key)).subtracting([sc.expect ?? ""]).sorted().joined(separator: ", "))
            #expect(falseAlerts.isEmpty, "\(sc.name): false alerts \(falseAlerts.map(sig))")
            if sc.expect != nil {
                #expect(expected.count == 1, "\(sc.name): fired \(expected.count) times: \(r.map(sig))")
                #expect(detected.map { $0 >= 0 && $0 <= sc.detectWithin } == true, "\(sc.name): detected at \(String(describing: detected))")
                #expect(resolved.map { $0 >= 0 && $0 <= sc.resetWithin } == true, "\(sc.name): resolved at \(String(describing: resolved))")
            }
        }
        print(table.joined(separator: "\n"))
    }
}
