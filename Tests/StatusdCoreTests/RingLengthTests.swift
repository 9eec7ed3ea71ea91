import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine

/// The ring length: one formula for inputs' rings and label groups' own rings.
@Suite("ring length: one formula for inputs and label groups")
struct RingLengthTests {
    static func input(_ name: String, lateness: Int64 = 60) -> InputConfig {
        var i = InputConfig(name: name, paths: [])
        i.maxLatenessSeconds = lateness
        return i
    }

    static func rule(_ name: String, window: Int64, inputs: [String] = []) -> Rule {
        Rule(name: name, match: set("5xx"), rateAbove: 0.05, window: window, inputs: inputs)
    }

    @Test("the longest exact window plus the lateness plus the two seconds the sums slide over")
    func formula() {
        #expect(RingLength.seconds(window: 300, lateness: 60) == 362)
        #expect(RingLength.seconds(window: 300, lateness: 600) == 902)
        #expect(RingLength.seconds(windows: [60, 300, 120], lateness: 0) == 302)
        // No rule watches: a minute; no input to take the lateness from: a minute.
        #expect(RingLength.seconds(windows: [Int64](), lateness: 10) == 60 + 10 + 2)
        #expect(RingLength.seconds(window: 120, latenesses: [Int64]()) == 120 + 60 + 2)
        #expect(RingLength.seconds(window: 120, latenesses: [10, 600, 30]) == 120 + 600 + 2)
    }

    @Test("an input's ring: the longest exact window of the rules that watch it, with its own lateness")
    func inputRing() {
        let rules = [Self.rule("short", window: 60), Self.rule("long", window: 300, inputs: ["api"]),
                     // Longer than the exact limit: read from coarser buckets, not from the ring.
                     Self.rule("day", window: 86_400, inputs: ["web"])]
        #expect(Monitor.ringSeconds(for: Self.input("web", lateness: 30), rules: rules) == 60 + 30 + 2)
        #expect(Monitor.ringSeconds(for: Self.input("api"), rules: rules) == 300 + 60 + 2)
        #expect(Monitor.ringSeconds(for: Self.input("web"), rules: [Self.rule("ten", window: 600)]) == 600 + 60 + 2)
        #expect(Monitor.ringSeconds(for: Self.input("other", lateness: 5), rules: [Self.rule("r", window: 60, inputs: ["web"])]) == 60 + 5 + 2)
    }

    @Test("a label group's own ring is as long as the ring of the inputs it counts")
    func groupRingMatchesInputRing() {
        let r = Self.rule("r", window: 300)
        let web = Self.input("web", lateness: 120)
        #expect(Monitor.groupRing([web], r) == Monitor.ringSeconds(for: web, rules: [r]))
        #expect(Monitor.groupRing([web, Self.input("api", lateness: 10)], r) == 300 + 120 + 2)
        #expect(Monitor.groupRing([], r) == 300 + 60 + 2)
    }

    @Test("the monitor makes its rings that long")
    func monitorRings() {
        let m = Monitor(inputs: [Self.input("web", lateness: 90)], rules: [Self.rule("r", window: 240)], clock: .lines)
        #expect(m.inputs[0].tally.window.capacity == 240 + 90 + 2)
    }
}
