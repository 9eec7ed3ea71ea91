import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The acknowledgement and escalation in messages: said, and the reason (someone's typing) cleaned
/// for every chat service like any untrusted text.
@Suite("acknowledged and escalated notices in chat")
struct AckMessageTests {
    @Test("an ack reason from the injection corpus reaches no chat payload raw; the notice says acknowledged")
    func ackReasonCleaned() throws {
        let dangerous = ["<!", "<@", "<#", "<users/", "<at>", "@channel", "@here", "@everyone", "@all", "](http", "://evil", "<https", "\u{202E}"]
        for kind in ChatPayloadTests.chatKinds {
            for bad in ChatPayloadTests.corpus {
                var t = ChatPayloadTests.transition(.resolved)
                t.acknowledgedAt = 1_795_169_200
                t.ackReason = bad
                let doc = try ChatPayloadTests.parse(SinkPayload.render(kind, t, host: "web-01", link: nil))
                let all = ChatPayloadTests.strings(doc)
                #expect(all.contains { $0.contains("Acknowledged") }, "\(kind): no acknowledgement in \(all)")
                for s in all { for d in dangerous { #expect(!s.contains(d), "\(kind) carries \(d) raw for \(bad): \(s)") } }
            }
        }
    }

    @Test("an escalated firing says so; the webhook document carries escalated_after_seconds and the ack fields")
    func escalatedAndWebhook() throws {
        var t = ChatPayloadTests.transition()
        t.escalatedAfter = 900
        let text = ChatPayload.plainText(ChatContent(t, host: "web-01", link: nil))
        #expect(text.contains("Escalated") && text.contains("still firing 15m after it fired"), "\(text)")
        var r = ChatPayloadTests.transition(.resolved)
        r.acknowledgedAt = 1_795_169_200
        r.ackReason = "Ana"
        let hook = try ChatPayloadTests.parse(SinkPayload.render(.webhook, r, host: "web-01", link: nil))
        #expect(hook["ack_reason"] as? String == "Ana" && hook["acknowledged_at"] as? String == CivilTime.iso8601(1_795_169_200))
        let fired = try ChatPayloadTests.parse(SinkPayload.render(.webhook, t, host: "web-01", link: nil))
        #expect(fired["escalated_after_seconds"] as? Int == 900 && fired["ack_reason"] is NSNull)
    }
}
