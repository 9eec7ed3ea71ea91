import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("the outbox: every notification kept until each sink has it")
struct OutboxTests {
    func transition(_ kind: AlertTransitionKind, at: Int64) -> AlertTransition {
        let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 300, severity: .critical)
        return AlertTransition(rule: rule, kind: kind, sum: WindowSum(total: 100, matched: 10), inputs: ["web"], at: at,
                               firedAt: 1000, peakRate: 0.1)
    }

    @Test("each sink takes its notifications in order; one leaves once every sink acknowledged it")
    func orderPerSink() {
        var box = Outbox()
        let firing = box.enqueue(transition(.firing, at: 1000), sinks: ["journal", "chat"], now: 1000)!
        let resolved = box.enqueue(transition(.resolved, at: 1100), sinks: ["journal", "chat"], now: 1100)!
        #expect(firing < resolved)
        #expect(box.next(for: "chat")?.seq == firing)
        box.acknowledge(firing, sink: "journal")
        #expect(box.next(for: "journal")?.seq == resolved)
        // chat has not had the firing yet: the resolved notice cannot overtake it.
        #expect(box.next(for: "chat")?.seq == firing)
        #expect(box.entries.count == 2)
        box.acknowledge(firing, sink: "chat")
        #expect(box.entries.map(\.seq) == [resolved])
        #expect(box.queued(for: "chat") == 1 && box.oldestQueuedAt(for: "chat") == 1100)
        box.acknowledge(resolved, sink: "chat")
        box.acknowledge(resolved, sink: "journal")
        #expect(box.entries.isEmpty && box.next(for: "journal") == nil)
    }

    @Test("it survives a round trip through JSON, as the checkpoint stores it")
    func codable() throws {
        var box = Outbox()
        box.enqueue(transition(.firing, at: 1000), sinks: ["journal"], now: 1000)
        let data = try JSONEncoder().encode(box)
        let back = try JSONDecoder().decode(Outbox.self, from: data)
        #expect(back == box)
        #expect(back.next(for: "journal")?.transition.idempotencyKey == "server-errors@1000/1")
        var next = back
        #expect(next.enqueue(transition(.resolved, at: 1100), sinks: ["journal"], now: 1100) == 2, "sequence numbers go on")
    }

    @Test("notifications older than max_age are given up on and reported; removed sinks drop out")
    func expiry() {
        var box = Outbox()
        box.enqueue(transition(.firing, at: 1000), sinks: ["journal", "chat"], now: 1000)
        box.enqueue(transition(.resolved, at: 90_000), sinks: ["chat"], now: 90_000)
        let gone = box.expire(olderThan: 86_400, now: 90_000)
        #expect(gone.count == 1 && gone.first?.sinks == ["journal", "chat"])
        #expect(box.entries.count == 1)
        box.retain(sinks: ["journal"])
        #expect(box.entries.isEmpty)
        #expect(box.enqueue(transition(.firing, at: 1), sinks: [], now: 1) == nil, "no sink, nothing queued")
    }
}
