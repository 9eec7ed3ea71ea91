import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// One sink's machine against a real `Outbox`, in virtual time: the sink answers each attempt as
/// `answer` says; the harness does what the machine returns, as `DeliveryService` does.
private struct Harness {
    typealias State = SinkDeliveryState
    var box = Outbox()
    var state = State()
    var policy: State.Policy
    var now: Double = 10_000
    var epoch: UInt64 = 0
    var disabled = false
    /// Seqs the receiver got, in the order it got them (each digest's in one go).
    var received: [UInt64] = []
    var digests: [[UInt64]] = []
    /// When each attempt was made.
    var attempts: [Double] = []
    var resends: [Double] = []
    var gaveUp: [UInt64] = []
    var actions: [State.Action] = []
    /// How long each attempt takes (a hung receiver: the sink's request timeout).
    var attemptSeconds: Double = 0
    let sink = "s"

    init(policy: State.Policy) { self.policy = policy }

    static func transition(_ kind: AlertTransitionKind, at: Int64, rule: String = "server-errors") -> AlertTransition {
        let rule = Rule(name: rule, match: set("5xx"), rateAbove: 0.05, window: 300, severity: .critical)
        return AlertTransition(rule: rule, kind: kind, sum: WindowSum(total: 100, matched: 10), inputs: ["web"], at: at,
                               firedAt: 1000, peakRate: 0.1)
    }

    @discardableResult
    mutating func enqueue(_ kind: AlertTransitionKind, rule: String = "server-errors") -> UInt64 {
        box.enqueue(Self.transition(kind, at: Int64(now), rule: rule), sinks: [sink], now: Int64(now))!
    }

    var queue: State.Queue {
        State.Queue(entries: box.entries.filter { $0.pending.contains(sink) }, disabled: disabled, epoch: epoch)
    }

    /// Runs the loop until nothing is due before `end` (the clock then stands at `end`).
    mutating func run(until end: Double, answer: (_ now: Double, _ attempt: State.Attempt) -> State.Outcome) {
        var steps = 0
        while steps < 10_000 {
            steps += 1
            switch state.next(queue, policy: policy, now: now) {
            case .wait(let until):
                precondition(until > now, "a wait must end in the future")
                guard until <= end else { now = end; return }
                now = until
            case .giveUp(let entry, _):
                box.acknowledge(entry.seq, sink: sink)
                gaveUp.append(entry.seq)
            case .resend:
                resends.append(now)
                let outcome = answer(now, .one(box.entries.first ?? Outbox.Entry(seq: 0, transition: Self.transition(.firing, at: 0), enqueuedAt: 0, pending: [])))
                for a in state.resent(count: 1, outcome, policy: policy, now: now) {
                    actions.append(a)
                    if case .wait(let until) = a {
                        guard until <= end else { now = end; return }
                        now = until
                    }
                }
            case .deliver(let entry, let backlog):
                attempts.append(now)
                let attempt: State.Attempt = backlog.map { .digest($0) } ?? .one(entry)
                let outcome = answer(now, attempt)
                now += attemptSeconds
                if outcome == .delivered {
                    received += attempt.seqs
                    if case .digest = attempt { digests.append(attempt.seqs) }
                }
                for a in state.attempted(attempt, outcome, policy: policy, epoch: epoch, now: now, jitter: 1) {
                    actions.append(a)
                    if case .acknowledge(let seqs, _) = a { for s in seqs { box.acknowledge(s, sink: sink) } }
                    if case .disable = a { disabled = true }
                }
            }
        }
        Issue.record("the loop did not settle")
    }
}

@Suite("one sink's delivery policy: deliver, wait until, acknowledge, disable")
struct SinkDeliveryStateTests {
    typealias State = SinkDeliveryState

    @Test("a failing receiver is retried at 1, 2, 4 ... s up to the cap, then gets the notification once")
    func backoff() {
        var h = Harness(policy: State.Policy(maxBackoff: 30))
        let seq = h.enqueue(.firing)
        let start = h.now
        h.run(until: start + 200) { now, _ in now < start + 100 ? .retry(reason: "HTTP 503", after: nil) : .delivered }
        let gaps = zip(h.attempts.dropFirst(), h.attempts).map { $0 - $1 }
        #expect(Array(gaps.prefix(7)) == [1, 2, 4, 8, 16, 30, 30])
        #expect(h.received == [seq])
        #expect(h.box.entries.isEmpty)
        // The first failure warns, the next ones do not; the recovery is said once.
        let retrying = h.actions.compactMap { a -> Bool? in if case .retrying(_, _, let first) = a { return first }; return nil }
        #expect(retrying.first == true && retrying.dropFirst().allSatisfy { !$0 })
        #expect(h.actions.suffix(3) == [.acknowledge([seq], standing: nil), .delivered(count: 1), .recovered])
        #expect(h.state.failures == 0)
    }

    @Test("backoff jitter takes off up to 20%; journald's cap is the caller's policy")
    func jitter() {
        #expect(State.backoff(attempt: 1, cap: 30, jitter: 1) == 1)
        #expect(State.backoff(attempt: 1, cap: 30, jitter: 0) == 0.8)
        #expect(State.backoff(attempt: 4, cap: 30, jitter: 1) == 8)
        #expect(State.backoff(attempt: 60, cap: 30, jitter: 1) == 30)
        #expect(State.backoff(attempt: 60, cap: 5, jitter: 0) == 4)
    }

    @Test("Retry-After is honoured, plus at most 10% (at most 1 s) of jitter; a reload ends the wait at once")
    func retryAfter() {
        var s = State()
        let policy = State.Policy(maxBackoff: 30)
        let entry = Outbox.Entry(seq: 1, transition: Harness.transition(.firing, at: 0), enqueuedAt: 100, pending: ["s"])
        let queue = State.Queue(entries: [entry], epoch: 7)
        #expect(s.next(queue, policy: policy, now: 100) == .deliver(entry, digest: nil))
        let actions = s.attempted(.one(entry), .retry(reason: "HTTP 429", after: 3600), policy: policy, epoch: 7, now: 100, jitter: 1)
        #expect(actions == [.retrying(reason: "HTTP 429", wait: 3601, first: true)])
        #expect(s.next(queue, policy: policy, now: 200) == .wait(until: 3701))
        #expect(s.next(queue, policy: policy, now: 3701) == .deliver(entry, digest: nil))
        _ = s.attempted(.one(entry), .retry(reason: "HTTP 429", after: 5), policy: policy, epoch: 7, now: 4000, jitter: 1)
        #expect(s.next(queue, policy: policy, now: 4000) == .wait(until: 4005.5))
        // The operator fixed the URL and reloaded: tried now, not after the hour.
        _ = s.attempted(.one(entry), .retry(reason: "HTTP 429", after: 3600), policy: policy, epoch: 7, now: 5000, jitter: 0)
        #expect(s.next(queue, policy: policy, now: 5001) == .wait(until: 8600))
        var reloaded = queue
        reloaded.epoch = 8
        #expect(s.next(reloaded, policy: policy, now: 5001) == .deliver(entry, digest: nil))
    }

    @Test("a notification refused for good leaves the outbox for the sink, counted; the next one goes")
    func rejected() {
        var h = Harness(policy: State.Policy(maxBackoff: 30))
        let bad = h.enqueue(.firing, rule: "a")
        let good = h.enqueue(.firing, rule: "b")
        h.run(until: h.now + 10) { _, attempt in attempt.seqs == [bad] ? .rejected(reason: "HTTP 400") : .delivered }
        #expect(h.received == [good])
        #expect(h.actions.contains(.refused(count: 1, reason: "HTTP 400")))
        #expect(h.actions.contains(.acknowledge([bad], standing: nil)))
        #expect(h.box.entries.isEmpty && h.attempts.count == 2)
    }

    @Test("a sink that is gone is disabled, its notifications kept, until a reload enables it")
    func disabled() {
        var h = Harness(policy: State.Policy(maxBackoff: 30))
        let seq = h.enqueue(.firing)
        h.run(until: h.now + 600) { _, _ in .disable(reason: "HTTP 410") }
        #expect(h.attempts.count == 1, "nothing more is sent to a disabled sink")
        #expect(h.actions == [.disable(reason: "HTTP 410")])
        #expect(h.box.entries.map(\.seq) == [seq])
        // Failures before the disabling do not carry over to the reloaded sink.
        var s = State()
        let entry = h.box.entries[0]
        _ = s.attempted(.one(entry), .retry(reason: "x", after: nil), policy: h.policy, now: 0, jitter: 1)
        #expect(s.next(State.Queue(entries: [entry], disabled: true), policy: h.policy, now: 0) == .wait(until: 60))
        #expect(s.failures == 0 && s.retryAt == nil)
        h.disabled = false
        h.epoch += 1
        h.run(until: h.now + 10) { _, _ in .delivered }
        #expect(h.received == [seq])
    }

    @Test("a hung receiver (the sink's own timeout) holds the queue in order: nothing is skipped or sent twice")
    func hungReceiver() {
        var h = Harness(policy: State.Policy(maxBackoff: 30))
        let firing = h.enqueue(.firing)
        let resolved = h.enqueue(.resolved)
        let start = h.now
        var offered: [[UInt64]] = []
        // While the receiver is stuck, each attempt hangs until the sink's 10 s request timeout.
        h.attemptSeconds = 10
        h.run(until: start + 300) { now, attempt in
            offered.append(attempt.seqs)
            return now < start + 60 ? .retry(reason: "timeout after 10s", after: nil) : .delivered
        }
        #expect(offered.dropLast().allSatisfy { $0 == [firing] }, "the resolved notice is never offered before its firing went")
        #expect(h.received == [firing, resolved])
        #expect(h.box.entries.isEmpty)
        // Backoff counts from the end of the hung attempt: 1, 2, 4 ... s after each timeout.
        let gaps = zip(h.attempts.dropFirst(), h.attempts).map { $0 - $1 }
        #expect(Array(gaps.prefix(3)) == [11, 12, 14])
    }

    @Test("resolved never before its firing, for any pattern of failures")
    func ordering() {
        for pattern in 0..<64 {
            var h = Harness(policy: State.Policy(maxBackoff: 4))
            var order: [UInt64] = []
            for k in 0..<3 {
                order.append(h.enqueue(.firing, rule: "r\(k)"))
                order.append(h.enqueue(.resolved, rule: "r\(k)"))
            }
            var n = 0
            h.run(until: h.now + 3600) { _, _ in
                n += 1
                return (pattern >> (n % 6)) & 1 == 1 && n < 40 ? .retry(reason: "503", after: nil) : .delivered
            }
            #expect(h.received == order, "pattern \(pattern)")
        }
    }

    @Test("a backlog over the threshold goes as one digest, acknowledged as a whole")
    func digest() {
        var h = Harness(policy: State.Policy(maxBackoff: 30, digestThreshold: 20))
        let seqs = (0..<25).map { h.enqueue(.firing, rule: "r\($0)") }
        h.run(until: h.now + 10) { _, _ in .delivered }
        #expect(h.digests == [seqs])
        #expect(h.actions.contains(.delivered(count: 25)))
        #expect(h.box.entries.isEmpty)
        // At the threshold or under: one by one.
        var small = Harness(policy: State.Policy(maxBackoff: 30, digestThreshold: 20))
        for k in 0..<20 { small.enqueue(.firing, rule: "r\(k)") }
        small.run(until: small.now + 10) { _, _ in .delivered }
        #expect(small.digests.isEmpty && small.attempts.count == 20)
    }

    @Test("rate limited (429 with Retry-After) through a burst: every notification once, in order, never sooner than asked")
    func rateLimited() {
        var h = Harness(policy: State.Policy(maxBackoff: 30))
        let seqs = (0..<10).map { h.enqueue(.firing, rule: "r\($0)") }
        var lastAccepted = -Double.infinity
        // The service takes one request every 2 s and answers 429 with Retry-After otherwise.
        h.run(until: h.now + 120) { now, _ in
            if now - lastAccepted >= 2 {
                lastAccepted = now
                return .delivered
            }
            return .retry(reason: "HTTP 429", after: 2 - (now - lastAccepted))
        }
        #expect(h.received == seqs)
        #expect(h.attempts.count <= 20, "one refused attempt at most per notification: the wait was honoured")
    }

    @Test("notifications older than the sink's max_age are given up on, and said")
    func maxAge() {
        var h = Harness(policy: State.Policy(maxBackoff: 30, maxAge: 3600))
        let old = h.enqueue(.firing, rule: "old")
        h.now += 3000
        let young = h.enqueue(.firing, rule: "young")
        h.run(until: h.now + 700) { _, _ in .retry(reason: "down", after: nil) }
        #expect(h.gaveUp == [old])
        #expect(h.box.entries.map(\.seq) == [young])
    }

    @Test("a re-sending sink: delivered alerts become standing; re-sent every interval while nothing waits")
    func standingResends() {
        var h = Harness(policy: State.Policy(maxBackoff: 30, resendInterval: 300))
        let seq = h.enqueue(.firing)
        let start = h.now
        h.run(until: start + 1000) { _, _ in .delivered }
        #expect(h.actions.first == .acknowledge([seq], standing: [Harness.transition(.firing, at: Int64(start))]))
        // First look finds nothing queued and never re-sent: due at once; then every 300 s.
        #expect(h.resends == [start, start + 300, start + 600, start + 900])
        #expect(h.actions.contains(.resent(count: 1)))
    }

    @Test("failed re-sends warn once, then the recovery is said; a refused re-send counts no notification")
    func resendFailures() {
        var s = State()
        let policy = State.Policy(maxBackoff: 30, resendInterval: 300)
        let empty = State.Queue(entries: [])
        #expect(s.next(empty, policy: policy, now: 1000) == .resend)
        #expect(s.resent(count: 2, .retry(reason: "down", after: nil), policy: policy, now: 1000)
            == [.retrying(reason: "down", wait: nil, first: true), .wait(until: 1060)])
        #expect(s.next(empty, policy: policy, now: 1060) == .wait(until: 1120))
        #expect(s.next(empty, policy: policy, now: 1300) == .resend)
        #expect(s.resent(count: 2, .retry(reason: "down", after: nil), policy: policy, now: 1300)
            == [.retrying(reason: "down", wait: nil, first: false), .wait(until: 1360)])
        #expect(s.next(empty, policy: policy, now: 1600) == .resend)
        #expect(s.resent(count: 2, .delivered, policy: policy, now: 1600) == [.resent(count: 2), .recovered, .wait(until: 1660)])
        #expect(s.next(empty, policy: policy, now: 1900) == .resend)
        #expect(s.resent(count: 2, .rejected(reason: "HTTP 400"), policy: policy, now: 1900)
            == [.resendRefused(count: 2, reason: "HTTP 400"), .wait(until: 1960)])
        #expect(s.resendSkipped(policy: policy, now: 2000) == .wait(until: 2060))
        // A sink that does not re-send just waits for the doorbell.
        var plain = State()
        #expect(plain.next(empty, policy: State.Policy(maxBackoff: 30), now: 1000) == .wait(until: 1060))
    }
}
