import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Rules run per label value (`group_by: [host]`, `path_prefix`, `upstream`), and firing messages
/// name the paths and hosts behind the matching codes.
@Suite("labels: rules per host, path and upstream; where it hurts in messages")
struct LabelGroupTests {
    static let t0: Int64 = 1_795_168_800

    static func input(_ name: String = "web", format: LogFormat = .combined) -> InputConfig {
        var i = InputConfig(name: name, paths: [], format: format)
        i.maxSkewSeconds = 86400
        return i
    }

    static func rule(_ groupBy: [GroupKey], maxGroups: Int = 20, window: Int64 = 60) -> Rule {
        var r = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: window, minRequests: 20, severity: .critical)
        r.groupBy = groupBy
        r.maxGroups = maxGroups
        return r
    }

    /// A vhost_combined line.
    static func line(host: String, path: String, code: Int, at t: Int64) -> String {
        let s = Int(t % 86400)
        let clock = String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        return "\(host):443 192.0.2.1 - - [20/Nov/2026:\(clock) +0000] \"GET \(path) HTTP/1.1\" \(code) 5 \"-\" \"ua\""
    }

    static func feed(_ m: inout Monitor, _ text: String, input: Int = 0, format: LogFormat = .combined, at t: Int64) {
        var parser = format.makeParser()
        var copy = text
        copy.withUTF8 { b in
            let p = UnsafeRawBufferPointer(b)
            m.accept(parser.parse(p), line: p, input: input, arrival: t)
        }
    }

    /// Three hosts at 10 requests a second each; `outage(t, host)` says when a host answers 502.
    static func traffic(_ m: inout Monitor, seconds: Range<Int64>, hosts: [String] = ["a.example", "b.example", "c.example"],
                        outage: (Int64, String) -> Bool) -> [AlertTransition] {
        var out: [AlertTransition] = []
        for s in seconds {
            let t = t0 + s
            for k in 0..<10 {
                for h in hosts {
                    let down = outage(s, h) && k % 2 == 0
                    let path = down ? (k % 4 == 0 ? "/api/checkout/\(1000 + k)" : "/login") : "/ok"
                    feed(&m, line(host: h, path: path, code: down ? 502 : 200, at: t), at: t)
                }
            }
            m.advance(wallClock: t + 1)
            out += m.takeTransitions()
        }
        return out
    }

    @Test("an outage on one virtual host of three fires one alert naming that host only")
    func oneHostOfThree() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([.host])], clock: .live)
        let ts = Self.traffic(&m, seconds: 0..<400) { s, h in h == "b.example" && s >= 100 && s < 250 }
        let firing = ts.filter { $0.kind == .firing }
        #expect(firing.count == 1)
        #expect(firing.first?.group == "b.example")
        #expect(ts.allSatisfy { $0.group == "b.example" })
        #expect(ts.contains { $0.kind == .resolved })
        let text = firing.first.map(AlertMessage.render) ?? ""
        #expect(text.contains("502 ×"), "\(text)")
        #expect(text.contains("/api/checkout/:id ("), "\(text)")
        #expect(text.contains("/login ("), "\(text)")
        #expect(text.contains("on b.example"), "\(text)")
        #expect(!text.contains("a.example") && !text.contains("c.example"), "\(text)")
        #expect(firing.first?.topHosts?.map(\.value) == ["b.example"])
        // The rate is the group's (above the 5% limit), not the whole input's (a third of it).
        #expect((firing.first?.rate ?? 0) > 0.05)
        #expect((firing.first?.total ?? 0) <= 600) // b's 10 requests a second over 60 s
    }

    @Test("an ungrouped rule names the top paths and hosts behind the matching codes")
    func ungroupedMessage() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([])], clock: .live)
        let ts = Self.traffic(&m, seconds: 0..<200) { s, h in h == "b.example" && s >= 100 }
        let firing = ts.first { $0.kind == .firing }
        #expect(firing?.group == nil)
        #expect(firing?.topPaths?.map(\.value) == ["/api/checkout/:id", "/login"])
        #expect(firing?.topHosts?.map(\.value) == ["b.example"])
        let chat = ChatContent(firing!, host: "web-01", link: nil)
        let fact = chat.facts.first { $0.name == "Where" }
        #expect(fact?.value.plain.contains("/api/checkout/:id") == true)
        #expect(fact?.value.segments.contains(.untrusted("/login")) == true)
    }

    @Test("values beyond max_groups are counted in `other` and reported")
    func maxGroups() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([.host], maxGroups: 2)], clock: .live)
        let hosts = ["a.example", "b.example", "c.example", "d.example"]
        let ts = Self.traffic(&m, seconds: 0..<200, hosts: hosts) { s, h in (h == "c.example" || h == "d.example") && s >= 100 }
        #expect(m.rules[0].series.compactMap(\.group) == ["a.example", "b.example", "other"])
        #expect(m.rules[0].folded == ["c.example", "d.example"])
        #expect(ts.filter { $0.kind == .firing }.map(\.group) == ["other"])
    }

    @Test("path_prefix, upstream and input combine into one group value")
    func otherKeys() {
        var byPrefix = Monitor(inputs: [Self.input()], rules: [Self.rule([.input, .pathPrefix])], clock: .live)
        _ = Self.traffic(&byPrefix, seconds: 0..<30) { _, _ in true }
        #expect(Set(byPrefix.rules[0].series.compactMap(\.group)) == ["web,/api", "web,/login", "web,/ok"])
        var byUpstream = Monitor(inputs: [Self.input(format: .nginxJSON)], rules: [Self.rule([.upstream])], clock: .live)
        for s in Int64(0)..<10 {
            Self.feed(&byUpstream, #"{"upstream_addr":"10.0.0.\#(s % 2 + 1):80","request_uri":"/x","status":"502"}"#, format: .nginxJSON, at: Self.t0 + s)
        }
        byUpstream.advance(wallClock: Self.t0 + 11)
        #expect(Set(byUpstream.rules[0].series.compactMap(\.group)) == ["10.0.0.1:80", "10.0.0.2:80"])
    }

    @Test("an idle group is dropped once its window is empty and its alert ok")
    func eviction() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([.host])], clock: .live)
        Self.feed(&m, Self.line(host: "once.example", path: "/", code: 200, at: Self.t0), at: Self.t0)
        _ = Self.traffic(&m, seconds: 1..<30, hosts: ["a.example"]) { _, _ in false }
        #expect(m.rules[0].series.contains { $0.group == "once.example" })
        _ = Self.traffic(&m, seconds: 30..<100, hosts: ["a.example"]) { _, _ in false }
        #expect(m.rules[0].series.compactMap(\.group) == ["a.example"])
    }

    @Test("a checkpoint keeps each group's counts and alert: no page again, no false resolution")
    func checkpoint() throws {
        let rules = [Self.rule([.host])]
        var m = Monitor(inputs: [Self.input()], rules: rules, clock: .live)
        let outage: (Int64, String) -> Bool = { s, h in h == "b.example" && s >= 100 && s < 300 }
        let before = Self.traffic(&m, seconds: 0..<200, outage: outage)
        #expect(before.filter { $0.kind == .firing }.map(\.group) == ["b.example"])
        let saved = m.snapshot()
        // Through JSON, as the checkpoint file does.
        let data = try JSONEncoder().encode(saved)
        let decoded = try JSONDecoder().decode(MonitorSnapshot.self, from: data)
        #expect(decoded.groups?["server-errors[b.example]"] != nil)
        var restored = Monitor(inputs: [Self.input()], rules: rules, clock: .live)
        restored.restore(decoded)
        #expect(restored.state(of: "server-errors", group: "b.example")?.phase == .firing)
        let after = Self.traffic(&restored, seconds: 200..<420, outage: outage)
        #expect(after.map(\.kind) == [.resolved])
        #expect((after.first?.at ?? 0) >= Self.t0 + 300)
    }

    @Test("a rate window longer than 10 minutes names its dominant codes")
    func longWindowCodes() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([], window: 900)], clock: .live)
        let ts = Self.traffic(&m, seconds: 0..<300) { s, h in h == "b.example" && s >= 60 }
        let firing = ts.first { $0.kind == .firing }
        #expect(firing?.codes.first?.code == StatusCode(502))
        #expect(firing?.codes.reduce(UInt64(0)) { $0 + $1.count } == firing?.matched)
        #expect(AlertMessage.render(firing!).contains("502 ×"))
    }

    @Test("healthy traffic is not re-read when no rule groups by a label")
    func healthyNotRead() {
        var m = Monitor(inputs: [Self.input()], rules: [Self.rule([])], clock: .live)
        #expect(m.labels.active == [true])
        #expect(!m.labels.everyLine[0])
        #expect(!m.labels.matchAny[0].contains(StatusCode(200)!))
        _ = Self.traffic(&m, seconds: 0..<20) { _, _ in false }
        #expect(m.rules[0].series[0].top.isEmpty)
    }

    @Test("replay reads each line's bytes for label groups and gives live's transitions")
    func replaySameAsLive() {
        var text = ""
        for s in Int64(0)..<300 {
            for k in 0..<10 {
                for h in ["a.example", "b.example"] {
                    let down = h == "b.example" && s >= 100 && s < 200 && k % 2 == 0
                    text += Self.line(host: h, path: down ? "/api/x/\(k)" : "/ok", code: down ? 502 : 200, at: Self.t0 + s) + "\n"
                }
            }
        }
        var live = Monitor(inputs: [Self.input()], rules: [Self.rule([.host])], clock: .live)
        // Read as a backlog: every line at once, after the fact.
        for l in text.split(separator: "\n") { Self.feed(&live, String(l), at: Self.t0 + 300) }
        live.advance(wallClock: Self.t0 + 301)
        let liveOut = live.takeTransitions()

        var session = ReplaySession(rules: [Self.rule([.host])])
        #expect(session.needsLines)
        session.readLabels(as: .combined, options: FormatOptions())
        var decoder = FileDecoder(format: .combined)
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { decoder.decode(UnsafeRawBufferPointer($0), input: 0, arrival: 0, into: &session) }
        session.finish()
        let summary = { (ts: [AlertTransition]) in ts.filter { $0.kind != .pending }.map { "\($0.kind.rawValue) \($0.group ?? "-") \($0.at - Self.t0)" } }
        #expect(summary(session.timeline) == summary(liveOut))
        #expect(summary(session.timeline).first?.hasPrefix("firing b.example") == true, "\(summary(session.timeline))")
        #expect(session.timeline.first { $0.kind == .firing }?.topPaths?.first?.value == "/api/x/:id")
    }
}
