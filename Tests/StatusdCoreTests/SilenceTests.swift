import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("silences: what they cover, when they end, what a request may ask")
struct SilenceTests {
    let rules = ["server-errors", "origin-errors"]

    func request(_ rule: String = "server-errors", group: String? = nil, seconds: Int64 = 7200, reason: String = "deploy") -> SilenceRequest {
        SilenceRequest(rule: rule, group: group, forSeconds: seconds, reason: reason)
    }

    @Test("a silence without a group covers every group of its rule, and no other rule")
    func coversRule() {
        let s = Silence(id: "a", rule: "server-errors", until: 2000, reason: "r", createdAt: 1000)
        #expect(s.covers(rule: "server-errors", group: nil, at: 1500))
        #expect(s.covers(rule: "server-errors", group: "shop", at: 1500))
        #expect(!s.covers(rule: "origin-errors", group: nil, at: 1500))
    }

    @Test("a silence with a group covers that group only")
    func coversGroup() {
        let s = Silence(id: "a", rule: "server-errors", group: "shop", until: 2000, reason: "r", createdAt: 1000)
        #expect(s.covers(rule: "server-errors", group: "shop", at: 1500))
        #expect(!s.covers(rule: "server-errors", group: "blog", at: 1500))
        #expect(!s.covers(rule: "server-errors", group: nil, at: 1500))
        #expect(s.target == "server-errors[shop]")
    }

    @Test("a silence ends on its own at until")
    func expires() {
        var list = SilenceList()
        let s = try! list.add(request(seconds: 60), rules: rules, id: "a", now: 1000)
        #expect(s.until == 1060)
        #expect(list.covering(rule: "server-errors", group: nil, at: 1059)?.id == "a")
        #expect(list.covering(rule: "server-errors", group: nil, at: 1060) == nil)
        #expect(list.active(at: 1060).isEmpty)
        let pruned = list.prune(at: 1060)
        #expect(pruned)
        #expect(list.silences.isEmpty)
    }

    @Test("requests are checked: the rule exists, a sane duration, a reason, bounded text, a fresh id")
    func refusals() {
        var list = SilenceList()
        #expect(throws: SilenceError.unknownRule("nope", known: rules)) { try list.add(request("nope"), rules: rules, id: "a", now: 0) }
        #expect(throws: SilenceError.badDuration(0)) { try list.add(request(seconds: 0), rules: rules, id: "a", now: 0) }
        #expect(throws: SilenceError.badDuration(31 * 86_400)) { try list.add(request(seconds: 31 * 86_400), rules: rules, id: "a", now: 0) }
        #expect(throws: SilenceError.noReason) { try list.add(request(reason: " \t"), rules: rules, id: "a", now: 0) }
        #expect(throws: SilenceError.tooLong("reason", 500)) {
            try list.add(request(reason: String(repeating: "x", count: 501)), rules: rules, id: "a", now: 0)
        }
        #expect(throws: SilenceError.tooLong("group", 200)) { try list.add(request(group: ""), rules: rules, id: "a", now: 0) }
        _ = try! list.add(request(), rules: rules, id: "a", now: 0)
        #expect(throws: SilenceError.duplicateID("a")) { try list.add(request(), rules: rules, id: "a", now: 0) }
        #expect(list.silences.count == 1)
        let removed = list.remove(id: "a")
        #expect(removed?.id == "a")
        let again = list.remove(id: "a")
        #expect(again == nil)
    }

    @Test("the resolved notice of a silenced firing stays quiet, even after the silence ended")
    func quietEpisode() {
        var list = SilenceList()
        _ = try! list.add(request(seconds: 60), rules: rules, id: "a", now: 1000)
        let q1 = list.swallows(rule: "server-errors", group: nil, alertID: "server-errors@1010", kind: .firing, at: 1010)
        #expect(q1?.id == "a")
        #expect(list.quietEpisodes == ["server-errors@1010"])
        // The silence has ended: the episode's resolved notice is still not sent, once.
        let q2 = list.swallows(rule: "server-errors", group: nil, alertID: "server-errors@1010", kind: .resolved, at: 2000)
        #expect(q2 != nil)
        #expect(list.quietEpisodes.isEmpty)
        // A new episode after the silence is sent.
        let q3 = list.swallows(rule: "server-errors", group: nil, alertID: "server-errors@3000", kind: .firing, at: 3000)
        #expect(q3 == nil)
        let q4 = list.swallows(rule: "server-errors", group: nil, alertID: "server-errors@3000", kind: .resolved, at: 3100)
        #expect(q4 == nil)
    }

    @Test("ids are 8 hex digits; the list survives JSON")
    func idsAndCoding() throws {
        var g = SystemRandomNumberGenerator()
        let id = Silence.makeID(using: &g)
        #expect(id.count == 8 && id.allSatisfy(\.isHexDigit))
        var list = SilenceList()
        _ = try list.add(request(group: "shop"), rules: rules, id: id, now: 1000)
        _ = list.swallows(rule: "server-errors", group: "shop", alertID: "x@1", kind: .firing, at: 1001)
        let back = try JSONDecoder().decode(SilenceList.self, from: JSONEncoder().encode(list))
        #expect(back == list)
        let report = SilenceReport(list.silences[0])
        #expect(report.until == "1970-01-01T02:16:40Z" && report.createdAt == "1970-01-01T00:16:40Z")
        #expect(report.line.hasPrefix("\(id)  server-errors[shop] until 1970-01-01T02:16:40Z: deploy"))
    }
}
