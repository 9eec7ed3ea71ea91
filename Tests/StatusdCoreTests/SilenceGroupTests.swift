import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("silences: groups the rule can have, and a bounded list")
struct SilenceGroupTests {
    func rule(_ name: String, _ keys: [GroupKey], inputs: [String] = []) -> Rule {
        var r = Rule(name: name, match: StatusSet(), rateAbove: 0.05, window: 60)
        r.groupBy = keys
        r.inputs = inputs
        return r
    }

    @Test("a group needs group_by, one value per key, and a watched input where it groups by input")
    func shapes() throws {
        let rules = [rule("plain", []), rule("by-input", [.input], inputs: ["web"]), rule("by-both", [.input, .host]),
                     rule("by-upstream", [.upstream])]
        let inputs = ["web", "api"]
        var list = SilenceList()
        func add(_ r: String, _ g: String?) throws(SilenceError) -> Silence {
            try list.add(SilenceRequest(rule: r, group: g, forSeconds: 60, reason: "x"), rules: rules, inputs: inputs, id: "\(list.silences.count)", now: 0)
        }
        #expect(throws: SilenceError.self) { try add("plain", "web") }
        #expect(throws: SilenceError.self) { try add("by-input", "api") }      // not an input the rule watches
        #expect(throws: SilenceError.self) { try add("by-input", "web,x") }
        #expect(throws: SilenceError.self) { try add("by-both", "web") }
        #expect(throws: SilenceError.self) { try add("by-both", "web,a\u{1B}b") }
        _ = try add("plain", nil)
        _ = try add("by-input", "web")
        _ = try add("by-input", "other")
        _ = try add("by-both", "api,shop.example")
        _ = try add("by-upstream", "10.0.0.1:80, 10.0.0.2:80")
        #expect(list.silences.count == 5)
    }

    @Test("at most 1,000 silences in force; ended ones do not count")
    func bounded() throws {
        let rules = [rule("r", [])]
        var list = SilenceList()
        for i in 0..<SilenceList.maxSilences {
            _ = try list.add(SilenceRequest(rule: "r", forSeconds: i < 10 ? 5 : 3600, reason: "x"), rules: rules, inputs: [], id: "\(i)", now: 0)
        }
        #expect(throws: SilenceError.tooMany(1000)) {
            try list.add(SilenceRequest(rule: "r", forSeconds: 60, reason: "x"), rules: rules, inputs: [], id: "a", now: 1)
        }
        // Ten have ended by t=10: room again.
        _ = try list.add(SilenceRequest(rule: "r", forSeconds: 60, reason: "x"), rules: rules, inputs: [], id: "b", now: 10)
    }
}
