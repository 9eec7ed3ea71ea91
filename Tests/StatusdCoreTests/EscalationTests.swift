import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Escalation and acknowledgement as pure state: who gets a firing when, who gets its reminders
/// and resolved notice, and what survives the state file.
@Suite("escalation and acknowledgements: AlertEpisodes")
struct EscalationTests {
    func transition(_ kind: AlertTransitionKind, at: Int64, notice: AlertNotice? = nil) -> AlertTransition {
        let rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 300, severity: .critical)
        var t = AlertTransition(rule: rule, kind: kind, sum: WindowSum(total: 100, matched: 10), inputs: ["web"], at: at,
                                firedAt: 1000, peakRate: 0.1)
        t.notice = notice
        return t
    }

    let route: [(sink: String, after: Int64)] = [("journal", 0), ("chat", 0), ("pager", 900)]

    @Test("a firing goes to the sinks without `after` at once; the pager only once it is due, once")
    func escalatesWhenDue() {
        var e = AlertEpisodes()
        #expect(e.fired(transition(.firing, at: 1000), route: route, now: 1000) == ["journal", "chat"])
        #expect(e.nextDue == 1900)
        #expect(e.due(now: 1899) { _ in nil }.isEmpty)
        let due = e.due(now: 1900) { _ in nil }
        guard case .send(let t, let sinks) = due.first else { Issue.record("nothing escalated: \(due)"); return }
        #expect(sinks == ["pager"] && t.escalatedAfter == 900 && t.kind == .firing && t.idempotencyKey == "server-errors@1000/1")
        #expect(e.due(now: 5000) { _ in nil }.isEmpty, "escalated once")
        #expect(e.nextDue == nil)
        // The resolved notice goes to every sink that got the firing: the pager too.
        #expect(e.resolved(transition(.resolved, at: 2000)) == .send(sinks: ["journal", "chat", "pager"], ack: nil))
        #expect(e.episodes.isEmpty)
    }

    @Test("resolved before `after`: the pager never hears of it, not the firing and not the resolved notice")
    func resolvedFirst() {
        var e = AlertEpisodes()
        _ = e.fired(transition(.firing, at: 1000), route: route, now: 1000)
        #expect(e.resolved(transition(.resolved, at: 1200)) == .send(sinks: ["journal", "chat"], ack: nil))
        #expect(e.due(now: 1900) { _ in nil }.isEmpty)
    }

    @Test("silenced or in maintenance when due: dropped with the reason; reminders go only where the firing went")
    func blocked() {
        var e = AlertEpisodes()
        _ = e.fired(transition(.firing, at: 1000), route: route, now: 1000)
        #expect(e.followUp(transition(.firing, at: 1500, notice: .repeat)) == .send(sinks: ["journal", "chat"], ack: nil))
        let due = e.due(now: 1900) { _ in "silenced by 3f9a1c0e" }
        #expect(due == [.drop(alertID: "server-errors@1000", sinks: ["pager"], why: "silenced by 3f9a1c0e")])
        #expect(e.resolved(transition(.resolved, at: 2000)) == .send(sinks: ["journal", "chat"], ack: nil))
    }

    @Test("acknowledged: no escalation, no reminders; the resolved notice carries the acknowledgement")
    func acknowledged() throws {
        var e = AlertEpisodes()
        _ = e.fired(transition(.firing, at: 1000), route: route, now: 1000)
        let ep = try e.acknowledge("server-errors@1000", reason: "  Ana is on it ", firing: true, rule: "server-errors", group: nil, track: nil, now: 1100)
        #expect(ep.ack == .init(at: 1100, reason: "Ana is on it") && ep.waiting.map(\.sink) == ["pager"])
        #expect(throws: AckError.already("server-errors@1000")) {
            try e.acknowledge("server-errors@1000", reason: nil, firing: true, rule: "server-errors", group: nil, track: nil, now: 1101)
        }
        guard case .mute = e.followUp(transition(.firing, at: 1500, notice: .repeat)) else { Issue.record("a reminder after ack"); return }
        let due = e.due(now: 1900) { _ in nil }
        guard case .drop(_, let sinks, let why) = due.first else { Issue.record("escalated after ack"); return }
        #expect(sinks == ["pager"] && why.hasPrefix("acknowledged"))
        #expect(e.resolved(transition(.resolved, at: 2000)) == .send(sinks: ["journal", "chat"], ack: .init(at: 1100, reason: "Ana is on it")))
    }

    @Test("an acknowledgement is refused for an alert not firing, or with an overlong reason")
    func ackRefused() {
        var e = AlertEpisodes()
        #expect(throws: AckError.notFiring("x@1")) { try e.acknowledge("x@1", reason: nil, firing: false, rule: "x", group: nil, track: nil, now: 1) }
        #expect(throws: AckError.tooLong(500)) {
            try e.acknowledge("x@1", reason: String(repeating: "a", count: 501), firing: true, rule: "x", group: nil, track: nil, now: 1)
        }
        // Firing with no record (its firing predates the record): acknowledged all the same.
        #expect(throws: Never.self) { try e.acknowledge("x@1", reason: nil, firing: true, rule: "x", group: nil, track: nil, now: 1) }
        #expect(e.followUp(transition(.firing, at: 5, notice: .flapping)) == .send(sinks: nil, ack: nil))
    }

    @Test("waiting escalations and acknowledgements survive the state file, inside the outbox")
    func survivesRestart() throws {
        var box = Outbox()
        _ = box.episodes.fired(transition(.firing, at: 1000), route: route, now: 1000)
        box.enqueue(transition(.firing, at: 1000), sinks: ["journal", "chat"], now: 1000)
        let back = try JSONDecoder().decode(Outbox.self, from: JSONEncoder().encode(box))
        #expect(back == box && back.episodes.nextDue == 1900)
        // A state file from before escalation: no episodes, nothing waits.
        let old = try JSONDecoder().decode(Outbox.self, from: Data(#"{"entries": [], "next_seq": 1}"#.utf8))
        #expect(old.episodes.episodes.isEmpty)
        // A reload that removes the pager: nothing waits for it.
        var trimmed = back
        trimmed.retain(sinks: ["journal", "chat"])
        #expect(trimmed.episodes.nextDue == nil)
    }
}

@Suite("scheduled silences: --start")
struct ScheduledSilenceTests {
    @Test("a silence with a start applies from then until start + duration, and is listed meanwhile")
    func scheduled() throws {
        var list = SilenceList()
        let s = try list.add(SilenceRequest(rule: "a", forSeconds: 3600, reason: "planned", start: 10_000), rules: ["a"], id: "0000000a", now: 1000)
        #expect(s.start == 10_000 && s.until == 13_600)
        #expect(list.covering(rule: "a", group: nil, at: 9_999) == nil)
        #expect(list.covering(rule: "a", group: nil, at: 10_000)?.id == "0000000a")
        #expect(list.covering(rule: "a", group: nil, at: 13_600) == nil)
        #expect(list.active(at: 5000).isEmpty && list.pending(at: 5000).count == 1)
        list.prune(at: 5000)
        #expect(list.silences.count == 1, "a scheduled silence is not pruned before it starts")
        list.prune(at: 13_600)
        #expect(list.silences.isEmpty)
        // A start already past begins now; one too far ahead is refused.
        let now = try list.add(SilenceRequest(rule: "a", forSeconds: 60, reason: "r", start: 500), rules: ["a"], id: "0000000b", now: 1000)
        #expect(now.start == nil && now.until == 1060)
        #expect(throws: SilenceError.self) {
            try list.add(SilenceRequest(rule: "a", forSeconds: 60, reason: "r", start: 1000 + 400 * 86400), rules: ["a"], id: "0000000c", now: 1000)
        }
    }

    @Test("a maintenance window passed as `also` is swallowed and recorded like a silence: its resolved notice stays quiet")
    func maintenanceRecorded() {
        var list = SilenceList()
        let m = Silence(id: "maintenance:backups", rule: "a", until: 2000, reason: "maintenance window backups", createdAt: 1000)
        #expect(list.swallows(rule: "a", group: nil, alertID: "a@1500", kind: .firing, at: 1500, also: m)?.id == "maintenance:backups")
        #expect(list.swallows(rule: "a", group: nil, alertID: "a@1500", kind: .resolved, at: 2500) != nil, "the window ended, its episode stays quiet")
        #expect(list.swallows(rule: "a", group: nil, alertID: "a@3000", kind: .firing, at: 3000) == nil)
    }
}
