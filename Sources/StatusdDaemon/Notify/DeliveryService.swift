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
public struct DeliveryService: Service {
    let pipeline: Pipeline
    let board: SinkBoard
    let logger: Logger
    let doorbell: Doorbell
    /// The longest wait between retries of one sink, when the sink did not say.
    let maxBackoff: Double
    /// Sinks whose loop runs.
    private let running = RunningSet()

    init(pipeline: Pipeline, board: SinkBoard, doorbell: Doorbell, logger: Logger, maxBackoff: Double = 30) {
        self.pipeline = pipeline
        self.board = board
        self.doorbell = doorbell
        self.logger = logger
        self.maxBackoff = maxBackoff
    }

    public func run() async throws {
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

    /// Delivers to `name` until the task is cancelled or a reload removed the sink.
    func loop(_ name: String) async {
        defer { running.remove(name) }
        var failures = 0
        var seen = doorbell.generation
        // When the sink's standing alerts were last sent (a re-send, or a notification).
        var lastResend: Double = 0
        while !Task.isCancelled {
            guard let sink = board.sink(named: name) else { return }
            if board.isDisabled(name) {
                failures = 0
                seen = await doorbell.wait(after: seen, seconds: 60)
                continue
            }
            guard let entry = pipeline.nextNotification(for: name) else {
                // Nothing queued: an Alertmanager sink's standing alerts may be due again.
                if let resender = sink as? any ResendingSink {
                    let wait = await resend(resender, lastResend: &lastResend, failures: &failures)
                    if wait > 0 { seen = await doorbell.wait(after: seen, seconds: wait) }
                    continue
                }
                seen = await doorbell.wait(after: seen, seconds: 60)
                continue
            }
            let now = Int64(Date().timeIntervalSince1970)
            if let maxAge = sink.maxAgeSeconds, now - entry.enqueuedAt > maxAge {
                pipeline.acknowledge([entry.seq], sink: name)
                let why = "gave up after \(DurationText.format(maxAge)) (max_age)"
                board.failed(name, error: why)
                logger.error("gave up delivering \(entry.transition.kind.rawValue) of \(entry.transition.rule) to \(name): \(why)",
                             metadata: ["sink": "\(name)", "rule": "\(entry.transition.rule)"])
                continue
            }
            var seqs = [entry.seq]
            var outcome: DeliveryOutcome
            let backlog = pipeline.queuedEntries(for: name)
            if backlog.count > Digest.threshold, let first = backlog.first, let last = backlog.last,
               let digest = await sink.deliverDigest(backlog.map(\.transition), key: "digest/\(first.seq)-\(last.seq)") {
                outcome = digest
                seqs = backlog.map(\.seq)
            } else {
                outcome = await sink.deliver(entry.transition)
            }
            if Task.isCancelled, case .retry = outcome { return }
            switch outcome {
            case .delivered:
                if sink is any ResendingSink {
                    let sent = seqs.count > 1 ? backlog.map(\.transition) : [entry.transition]
                    pipeline.acknowledge(seqs, sink: name, standing: sent)
                } else {
                    pipeline.acknowledge(seqs, sink: name)
                }
                board.delivered(name, count: seqs.count, at: Int64(Date().timeIntervalSince1970))
                if seqs.count > 1 {
                    logger.notice("sink \(name) got one digest for \(seqs.count) queued notifications", metadata: ["sink": "\(name)"])
                }
                if failures > 0 { logger.notice("sink \(name) delivers again", metadata: ["sink": "\(name)"]) }
                failures = 0
            case .retry(let reason, let after):
                failures += 1
                let wait = after.map { $0 + Double.random(in: 0...min(1, $0 * 0.1)) } ?? Self.backoff(attempt: failures, cap: sink is JournalAlertSink ? min(5, maxBackoff) : maxBackoff)
                board.retrying(name, error: reason, nextAttemptAt: Int64((Date().timeIntervalSince1970 + wait).rounded(.up)))
                if failures == 1 {
                    logger.warning("sink \(name) failed: \(reason); retrying, notifications wait in the outbox",
                                   metadata: ["sink": "\(name)"])
                } else {
                    logger.debug("sink \(name) failed again: \(reason); next try in \(String(format: "%.1f", wait))s", metadata: ["sink": "\(name)"])
                }
                await backoff(seconds: wait)
            case .rejected(let reason):
                pipeline.acknowledge(seqs, sink: name)
                board.failed(name, count: seqs.count, error: reason)
                logger.error("sink \(name) refused \(entry.transition.kind.rawValue) of \(entry.transition.rule): \(reason)",
                             metadata: ["sink": "\(name)", "rule": "\(entry.transition.rule)"])
            case .disable(let reason):
                board.disable(name, error: reason)
                logger.error("sink \(name) disabled until a reload: \(reason); its notifications stay queued",
                             metadata: ["sink": "\(name)"])
            }
        }
    }

    /// Re-sends `sink`'s standing alerts when `resendInterval` has passed since they were last
    /// sent; returns how long to wait before looking again (0: look again now).
    func resend(_ sink: any ResendingSink, lastResend: inout Double, failures: inout Int) async -> Double {
        let now = Date().timeIntervalSince1970
        let due = lastResend + Double(sink.resendInterval)
        guard now >= due else { return min(60, due - now) }
        let standing = pipeline.standingAlerts(for: sink.name, resolvedFor: sink.resendResolvedFor)
        lastResend = now
        guard !standing.isEmpty else { return min(60, Double(sink.resendInterval)) }
        let outcome = await sink.resend(standing)
        switch outcome {
        case .delivered:
            board.resent(sink.name, at: Int64(Date().timeIntervalSince1970))
            if failures > 0 { logger.notice("sink \(sink.name) delivers again", metadata: ["sink": "\(sink.name)"]) }
            failures = 0
            logger.debug("sink \(sink.name): re-sent \(standing.count) standing alerts", metadata: ["sink": "\(sink.name)"])
        case .retry(let reason, _):
            failures += 1
            board.retrying(sink.name, error: reason)
            if failures == 1 {
                logger.warning("sink \(sink.name) failed: \(reason); standing alerts are re-sent every \(DurationText.format(sink.resendInterval))",
                               metadata: ["sink": "\(sink.name)"])
            }
        case .rejected(let reason):
            // Not a notification (those count in `failed`): status shows the sink failing.
            board.retrying(sink.name, error: reason)
            logger.error("sink \(sink.name) refused the re-send of \(standing.count) alerts: \(reason)", metadata: ["sink": "\(sink.name)"])
        case .disable(let reason):
            board.disable(sink.name, error: reason)
            logger.error("sink \(sink.name) disabled until a reload: \(reason)", metadata: ["sink": "\(sink.name)"])
        }
        return min(60, Double(sink.resendInterval))
    }

    /// Waits out a retry's backoff (up to an hour when a sink said `Retry-After: 3600`), ending
    /// early when a reload changes the sinks: the operator's fix is tried at once, not after the
    /// hour (before, the queue stayed stuck while status showed the sink `ok`).
    func backoff(seconds: Double) async {
        let epoch = board.epoch
        let deadline = Date().addingTimeInterval(seconds)
        var seen = doorbell.generation
        while !Task.isCancelled, board.epoch == epoch {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return }
            seen = await doorbell.wait(after: seen, seconds: left)
        }
    }

    /// 1 s, 2 s, 4 s ... up to `cap`, with up to 20% jitter so many hosts do not retry in step.
    static func backoff(attempt: Int, cap: Double) -> Double {
        let base = min(cap, pow(2, Double(max(0, attempt - 1))))
        return base * Double.random(in: 0.8...1.0)
    }
}

/// Names of the sinks whose delivery loop runs.
final class RunningSet: Sendable {
    private let names = Mutex(Set<String>())
    func insert(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }
    func remove(_ name: String) { _ = names.withLock { $0.remove(name) } }
}
