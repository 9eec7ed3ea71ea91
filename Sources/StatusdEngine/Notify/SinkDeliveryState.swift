import StatusdParse
/// One sink's delivery policy as a state machine: what the delivery loop does next for the sink,
/// and what each attempt's outcome means (acknowledge, report, back off, disable).
///
/// Pure and `Sendable`: the daemon's `DeliveryService` holds one per sink, feeds it the events
/// (what the outbox holds for the sink now, an attempt's outcome, a standing re-send done) with
/// the time, and performs the actions it returns, as `AlertState.step` does for alerts. So the
/// policy is tested in process without a receiver, a clock or a sleep:
/// - the sink takes its notifications strictly in order, one at a time (a digest for a backlog
///   of more than `Policy.digestThreshold`): nothing but the oldest waiting one is ever offered,
///   so a resolved notice never arrives before its firing;
/// - a failed attempt is retried with exponential backoff and jitter (1 s, 2 s, 4 s ... up to
///   `Policy.maxBackoff`), or no sooner than the service asked (`Retry-After`); a reload (a new
///   `Queue.epoch`) ends the wait at once, so the operator's fix is tried without waiting;
/// - a notification leaves the outbox for the sink once the sink has it, refused it for good,
///   or it grew older than the sink's `max_age`; a sink that is gone is disabled until a reload,
///   its notifications kept;
/// - a sink that re-sends (Alertmanager) gets its standing alerts again every `resendInterval`
///   while nothing else waits for it.
public struct SinkDeliveryState: Sendable, Equatable {
    /// More queued notifications than this for one sink: one digest (`Digest` renders it).
    public static let digestThreshold = 20

    /// The sink's settings; passed with each event, as a reload may change the sink.
    public struct Policy: Sendable, Equatable {
        /// The longest wait between retries when the sink did not say.
        public var maxBackoff: Double
        /// Notifications older than this (seconds) are given up on for this sink (nil: never
        /// here; the outbox's own limit still applies).
        public var maxAge: Int64?
        /// Seconds between standing re-sends (nil: the sink does not re-send).
        public var resendInterval: Int64?
        /// More queued notifications than this: one digest is offered.
        public var digestThreshold: Int

        public init(maxBackoff: Double, maxAge: Int64? = nil, resendInterval: Int64? = nil, digestThreshold: Int = SinkDeliveryState.digestThreshold) {
            self.maxBackoff = maxBackoff
            self.maxAge = maxAge
            self.resendInterval = resendInterval
            self.digestThreshold = digestThreshold
        }
    }

    /// What the outbox and the sink board say about the sink now.
    public struct Queue: Sendable, Equatable {
        /// Every notification waiting for the sink, oldest first.
        public var entries: [Outbox.Entry]
        /// The sink is disabled until a reload.
        public var disabled: Bool
        /// Changes with each reload.
        public var epoch: UInt64

        public init(entries: [Outbox.Entry], disabled: Bool = false, epoch: UInt64 = 0) {
            self.entries = entries
            self.disabled = disabled
            self.epoch = epoch
        }
    }

    /// What the loop should do next.
    public enum Next: Sendable, Equatable {
        /// Send `entry`; when `digest` is set, the sink may send those (a backlog starting with
        /// `entry`) as one message instead.
        case deliver(Outbox.Entry, digest: [Outbox.Entry]?)
        /// `entry` is older than the sink's `max_age`: acknowledge it for the sink and report it;
        /// then ask again.
        case giveUp(Outbox.Entry, maxAge: Int64)
        /// Send the sink's standing alerts again (then `resent` or `resendSkipped`).
        case resend
        /// Nothing to do before this time (Unix seconds), unless the doorbell rings.
        case wait(until: Double)
    }

    /// What was sent.
    public enum Attempt: Sendable, Equatable {
        case one(Outbox.Entry)
        case digest([Outbox.Entry])

        public var seqs: [UInt64] {
            switch self {
            case .one(let e): return [e.seq]
            case .digest(let es): return es.map(\.seq)
            }
        }

        public var transitions: [AlertTransition] {
            switch self {
            case .one(let e): return [e.transition]
            case .digest(let es): return es.map(\.transition)
            }
        }
    }

    /// What one attempt came to (the daemon's `DeliveryOutcome`).
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Try again (no sooner than `after` seconds when the service said so: `Retry-After`,
        /// or a sink's own timeout when the receiver hung).
        case retry(reason: String, after: Double?)
        /// Refused for good (4xx).
        case rejected(reason: String)
        /// Gone or moved: nothing more is sent until a reload.
        case disable(reason: String)
    }

    /// What to do about an outcome.
    public enum Action: Sendable, Equatable {
        /// The sink has these notifications (or refused them for good): they leave the outbox for
        /// it; with `standing`, those transitions become its standing alerts (a re-sending sink).
        case acknowledge([UInt64], standing: [AlertTransition]?)
        /// Count `count` notifications delivered.
        case delivered(count: Int)
        /// The standing alerts (`count`) were re-sent.
        case resent(count: Int)
        /// The sink delivers again after failures.
        case recovered
        /// The attempt failed; `first` of a run of failures. `wait`: seconds until the next try
        /// (nil after a re-send: the next is at the re-send interval).
        case retrying(reason: String, wait: Double?, first: Bool)
        /// `count` notifications refused for good (counted as failed).
        case refused(count: Int, reason: String)
        /// The re-send of `count` standing alerts was refused (the sink shows failing; no
        /// notification is lost).
        case resendRefused(count: Int, reason: String)
        /// Disable the sink until a reload; its notifications stay queued.
        case disable(reason: String)
        /// Nothing more to do before this time (Unix seconds), unless the doorbell rings.
        case wait(until: Double)
    }

    /// Failed attempts in a row (deliveries and re-sends).
    public private(set) var failures = 0
    /// When the standing alerts were last sent (Unix seconds; 0: never).
    public private(set) var lastResend: Double = 0
    /// No attempt before this time (a retry's backoff), unless the epoch changes.
    public private(set) var retryAt: Double?
    /// The epoch the backoff began in.
    public private(set) var retryEpoch: UInt64 = 0

    public init() {}

    /// Decides what to do now. `queue` is what waits for the sink, `now` Unix seconds.
    public mutating func next(_ queue: Queue, policy: Policy, now: Double) -> Next {
        if queue.disabled {
            // Disabled until a reload, which starts it afresh.
            failures = 0
            retryAt = nil
            return .wait(until: now + 60)
        }
        if let at = retryAt {
            if at > now, queue.epoch == retryEpoch { return .wait(until: at) }
            retryAt = nil
        }
        guard let entry = queue.entries.first else {
            // Nothing queued: a re-sending sink's standing alerts may be due again.
            guard let interval = policy.resendInterval else { return .wait(until: now + 60) }
            let due = lastResend + Double(interval)
            guard now >= due else { return .wait(until: now + min(60, due - now)) }
            lastResend = now
            return .resend
        }
        if let maxAge = policy.maxAge, Int64(now) - entry.enqueuedAt > maxAge {
            return .giveUp(entry, maxAge: maxAge)
        }
        if queue.entries.count > policy.digestThreshold { return .deliver(entry, digest: queue.entries) }
        return .deliver(entry, digest: nil)
    }

    /// `attempt` came to `outcome` at `now`. `jitter` is a random number in 0...1 (the daemon
    /// draws it), so many hosts do not retry in step. `epoch` is the board's at the attempt.
    public mutating func attempted(_ attempt: Attempt, _ outcome: Outcome, policy: Policy, epoch: UInt64 = 0,
                                   now: Double, jitter: Double) -> [Action] {
        switch outcome {
        case .delivered:
            var actions: [Action] = [
                .acknowledge(attempt.seqs, standing: policy.resendInterval == nil ? nil : attempt.transitions),
                .delivered(count: attempt.seqs.count),
            ]
            if failures > 0 { actions.append(.recovered) }
            failures = 0
            return actions
        case .retry(let reason, let after):
            failures += 1
            let jitter = min(1, max(0, jitter))
            let wait = after.map { $0 + jitter * min(1, $0 * 0.1) } ?? Self.backoff(attempt: failures, cap: policy.maxBackoff, jitter: jitter)
            retryAt = now + wait
            retryEpoch = epoch
            return [.retrying(reason: reason, wait: wait, first: failures == 1)]
        case .rejected(let reason):
            return [.acknowledge(attempt.seqs, standing: nil), .refused(count: attempt.seqs.count, reason: reason)]
        case .disable(let reason):
            return [.disable(reason: reason)]
        }
    }

    /// The standing alerts (`count` of them) were re-sent at `now` with `outcome`. The last
    /// action is always the wait until the sink is looked at again.
    public mutating func resent(count: Int, _ outcome: Outcome, policy: Policy, now: Double) -> [Action] {
        var actions: [Action]
        switch outcome {
        case .delivered:
            actions = [.resent(count: count)]
            if failures > 0 { actions.append(.recovered) }
            failures = 0
        case .retry(let reason, _):
            failures += 1
            actions = [.retrying(reason: reason, wait: nil, first: failures == 1)]
        case .rejected(let reason):
            actions = [.resendRefused(count: count, reason: reason)]
        case .disable(let reason):
            actions = [.disable(reason: reason)]
        }
        return actions + [.wait(until: now + Self.resendPause(policy))]
    }

    /// There were no standing alerts to re-send: look again later.
    public func resendSkipped(policy: Policy, now: Double) -> Next {
        .wait(until: now + Self.resendPause(policy))
    }

    /// How long a re-sending sink waits after a re-send before looking again.
    static func resendPause(_ policy: Policy) -> Double {
        min(60, Double(policy.resendInterval ?? 60))
    }

    /// 1 s, 2 s, 4 s ... up to `cap`, less up to 20% (`jitter` 0...1).
    public static func backoff(attempt: Int, cap: Double, jitter: Double) -> Double {
        var base = 1.0
        var k = 1
        while k < attempt, base < cap {
            base *= 2
            k += 1
        }
        return min(cap, base) * (0.8 + 0.2 * jitter)
    }
}
