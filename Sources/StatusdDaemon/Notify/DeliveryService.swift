import Foundation
import Logging
import ServiceLifecycle
import StatusdCore

/// Delivers the outbox's notifications to every sink, off the pipeline's thread.
///
/// Each sink takes its notifications in order, one at a time; one that fails is retried with
/// exponential backoff (and no later one overtakes it), so a resolved notice never arrives before
/// its firing. A notification leaves the outbox for a sink only once that sink has it.
public struct DeliveryService: Service {
    let pipeline: Pipeline
    let sinks: [any AlertSink]
    let board: SinkBoard
    let logger: Logger
    let doorbell: Doorbell
    /// The longest wait between retries of one sink.
    let maxBackoff: Double

    init(pipeline: Pipeline, sinks: [any AlertSink], board: SinkBoard, doorbell: Doorbell, logger: Logger, maxBackoff: Double = 30) {
        self.pipeline = pipeline
        self.sinks = sinks
        self.board = board
        self.doorbell = doorbell
        self.logger = logger
        self.maxBackoff = maxBackoff
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var retryAt: [String: Date] = [:]
            var failures: [String: Int] = [:]
            while !Task.isCancelled {
                for sink in sinks {
                    if let due = retryAt[sink.name], due > Date() { continue }
                    retryAt[sink.name] = nil
                    deliveries: while !Task.isCancelled, let entry = pipeline.nextNotification(for: sink.name) {
                        switch await sink.deliver(entry.transition) {
                        case .delivered:
                            pipeline.acknowledge(entry.seq, sink: sink.name)
                            board.delivered(sink.name, at: Int64(Date().timeIntervalSince1970))
                            if failures.removeValue(forKey: sink.name) != nil {
                                logger.notice("sink \(sink.name) delivers again", metadata: ["sink": "\(sink.name)"])
                            }
                        case .retry(let reason, let after):
                            let n = failures[sink.name, default: 0] + 1
                            failures[sink.name] = n
                            let backoff = after ?? Self.backoff(attempt: n, cap: maxBackoff)
                            retryAt[sink.name] = Date().addingTimeInterval(backoff)
                            board.retrying(sink.name, error: reason)
                            if n == 1 {
                                logger.warning("sink \(sink.name) failed: \(reason); retrying, notifications wait in the outbox",
                                               metadata: ["sink": "\(sink.name)"])
                            }
                            break deliveries
                        case .rejected(let reason):
                            pipeline.acknowledge(entry.seq, sink: sink.name)
                            board.failed(sink.name, error: reason)
                            logger.error("sink \(sink.name) rejected \(entry.transition.kind.rawValue) of \(entry.transition.rule): \(reason)",
                                         metadata: ["sink": "\(sink.name)", "rule": "\(entry.transition.rule)"])
                        }
                    }
                }
                let next = retryAt.values.min().map { $0.timeIntervalSinceNow } ?? 60
                await doorbell.wait(seconds: min(60, max(0.05, next)))
            }
        }
    }

    /// 1 s, 2 s, 4 s ... up to `cap`, with up to 20% jitter so many hosts do not retry in step.
    static func backoff(attempt: Int, cap: Double) -> Double {
        let base = min(cap, pow(2, Double(max(0, attempt - 1))))
        return base * Double.random(in: 0.8...1.0)
    }
}
