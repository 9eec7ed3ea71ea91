import Foundation
import Logging
import ServiceLifecycle
import StatusdCore
import Synchronization

/// Delivers the outbox's notifications to every sink, off the pipeline's thread: one loop per
/// sink, so a slow or rate-limited sink never holds up another.
///
/// Each sink takes its notifications in order, one at a time; one that fails is retried with
/// exponential backoff and jitter, no sooner than the service asked (and no later one overtakes
/// it), so a resolved notice never arrives before its firing. A notification leaves the outbox
/// for a sink only once that sink has it (2xx), has refused it for good, or it grew older than
/// the sink's `max_age`. A sink with more than `Digest.threshold` waiting gets one digest.
///
/// The decisions are `SinkDeliveryState`'s (pure, in the core); each loop asks it what to do
/// and does it: send, acknowledge, report on the board, log, wait.
package struct DeliveryService: Service {
    let outbox: any OutboxPort
    let board: SinkBoard
    let logger: Logger
    let doorbell: Doorbell
    /// The longest wait between retries of one sink, when the sink did not say.
    let maxBackoff: Double
    /// The wall clock (Unix seconds).
    let clock: @Sendable () -> Double
    /// Sinks whose loop runs.
    private let running = RunningSet()

    init(pipeline: any OutboxPort, board: SinkBoard, doorbell: Doorbell, logger: Logger, maxBackoff: Double = 30,
         clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.outbox = pipeline
        self.board = board
        self.doorbell = doorbell
        self.logger = logger
        self.maxBackoff = maxBackoff
        self.clock = clock
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var seen = doorbell.generation
                while !Task.isCancelled {
                    for name in board.names where running.insert(name) {
                        group.addTask { await loop(name) }
                    }
                    seen = await doorbell.wait(after: seen, seconds: 5)
                }
                group.cancelAll()
            }
        }
    }

    /// The policy of `sink` as configured now (a reload may replace the sink).
    func policy(for sink: any AlertSink) -> SinkDeliveryState.Policy {
        SinkDeliveryState.Policy(maxBackoff: sink is JournalAlertSink ? min(5, maxBackoff) : maxBackoff,
                                 maxAge: sink.maxAgeSeconds,
                                 resendInterval: (sink as? any ResendingSink)?.resendInterval)
    }

    /// Delivers to `name` until the task is cancelled or a reload removed the sink.
    func loop(_ name: String) async {
        defer { running.remove(name) }
        var state = SinkDeliveryState()
        var seen = doorbell.generation
        while !Task.isCancelled {
            guard let sink = board.sink(named: name) else { return }
            let policy = policy(for: sink)
            let disabled = board.isDisabled(name)
            let queue = SinkDeliveryState.Queue(entries: disabled ? [] : outbox.queuedEntries(for: name),
                                                disabled: disabled, epoch: board.epoch)
            switch state.next(queue, policy: policy, now: clock()) {
            case .wait(let until):
                seen = await doorbell.wait(after: seen, seconds: until - clock())
            case .giveUp(let entry, let maxAge):
                outbox.acknowledge([entry.seq], sink: name)
                let why = "gave up after \(DurationText.format(maxAge)) (max_age)"
                board.failed(name, error: why, at: Int64(clock()))
                logger.error("gave up delivering \(entry.transition.kind.rawValue) of \(entry.transition.rule) to \(name): \(why)",
                             metadata: ["sink": "\(name)", "rule": "\(entry.transition.rule)"])
            case .resend:
                guard let resender = sink as? any ResendingSink else { continue }
                let standing = outbox.standingAlerts(for: name, resolvedFor: resender.resendResolvedFor)
                if standing.isEmpty {
                    if case .wait(let until) = state.resendSkipped(policy: policy, now: clock()) {
                        seen = await doorbell.wait(after: seen, seconds: until - clock())
                    }
                    continue
                }
                let outcome = await resender.resend(standing)
                let now = clock()
                for action in state.resent(count: standing.count, SinkDeliveryState.Outcome(outcome), policy: policy, now: now) {
                    if case .wait(let until) = action {
                        seen = await doorbell.wait(after: seen, seconds: until - clock())
                    } else {
                        perform(action, sink: name, attempt: nil, policy: policy, now: now)
                    }
                }
            case .deliver(let entry, let backlog):
                var attempt = SinkDeliveryState.Attempt.one(entry)
                let outcome: DeliveryOutcome
                if let backlog, let first = backlog.first, let last = backlog.last,
                   let digest = await sink.deliverDigest(backlog.map(\.transition), key: "digest/\(first.seq)-\(last.seq)") {
                    outcome = digest
                    attempt = .digest(backlog)
                } else {
                    outcome = await sink.deliver(entry.transition)
                }
                if Task.isCancelled, case .retry = outcome { return }
                let now = clock()
                let actions = state.attempted(attempt, SinkDeliveryState.Outcome(outcome), policy: policy, epoch: board.epoch,
                                              now: now, jitter: Double.random(in: 0...1))
                for action in actions { perform(action, sink: name, attempt: attempt, policy: policy, now: now) }
            }
        }
    }

    /// Does what the sink's state machine said about an attempt (`attempt`; nil: a re-send of
    /// the standing alerts) that ended at `now`.
    func perform(_ action: SinkDeliveryState.Action, sink name: String, attempt: SinkDeliveryState.Attempt?,
                 policy: SinkDeliveryState.Policy, now: Double) {
        let meta: Logger.Metadata = ["sink": "\(name)"]
        switch action {
        case .acknowledge(let seqs, let standing):
            if let standing {
                outbox.acknowledge(seqs, sink: name, standing: standing)
            } else {
                outbox.acknowledge(seqs, sink: name)
            }
        case .delivered(let count):
            board.delivered(name, count: count, at: Int64(now))
            if count > 1 { logger.notice("sink \(name) got one digest for \(count) queued notifications", metadata: meta) }
        case .resent(let count):
            board.resent(name, at: Int64(now))
            logger.debug("sink \(name): re-sent \(count) standing alerts", metadata: meta)
        case .recovered:
            logger.notice("sink \(name) delivers again", metadata: meta)
        case .retrying(let reason, let wait?, let first):
            board.retrying(name, error: reason, nextAttemptAt: Int64((now + wait).rounded(.up)), at: Int64(now))
            if first {
                logger.warning("sink \(name) failed: \(reason); retrying, notifications wait in the outbox", metadata: meta)
            } else {
                logger.debug("sink \(name) failed again: \(reason); next try in \(String(format: "%.1f", wait))s", metadata: meta)
            }
        case .retrying(let reason, nil, let first):
            board.retrying(name, error: reason, at: Int64(now))
            if first {
                let every = DurationText.format(policy.resendInterval ?? 0)
                logger.warning("sink \(name) failed: \(reason); standing alerts are re-sent every \(every)", metadata: meta)
            }
        case .refused(let count, let reason):
            board.failed(name, count: count, error: reason, at: Int64(now))
            let t = attempt?.transitions.first
            logger.error("sink \(name) refused \(t?.kind.rawValue ?? "notification") of \(t?.rule ?? "?"): \(reason)",
                         metadata: ["sink": "\(name)", "rule": "\(t?.rule ?? "")"])
        case .resendRefused(let count, let reason):
            // Not a notification (those count in `failed`): status shows the sink failing.
            board.retrying(name, error: reason, at: Int64(now))
            logger.error("sink \(name) refused the re-send of \(count) alerts: \(reason)", metadata: meta)
        case .disable(let reason):
            board.disable(name, error: reason, at: Int64(now))
            if attempt == nil {
                logger.error("sink \(name) disabled until a reload: \(reason)", metadata: meta)
            } else {
                logger.error("sink \(name) disabled until a reload: \(reason); its notifications stay queued", metadata: meta)
            }
        case .wait:
            break
        }
    }
}

extension SinkDeliveryState.Outcome {
    init(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .delivered: self = .delivered
        case .retry(let reason, let after): self = .retry(reason: reason, after: after)
        case .rejected(let reason): self = .rejected(reason: reason)
        case .disable(let reason): self = .disable(reason: reason)
        }
    }
}

/// Names of the sinks whose delivery loop runs.
final class RunningSet: Sendable {
    private let names = Mutex(Set<String>())
    func insert(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }
    func remove(_ name: String) { _ = names.withLock { $0.remove(name) } }
}
