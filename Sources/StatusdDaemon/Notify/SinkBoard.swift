import Synchronization
import StatusdCore

/// What each sink has done, for `statusd status`: written by the delivery service, read by status
/// requests. Names and outcomes only: never a URL or a secret.
public final class SinkBoard: Sendable {
    struct Entry: Sendable {
        var type: String
        var retrying = false
        var disabled = false
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
        var lastSuccessAt: Int64?
        var lastError: String?
    }

    private let entries: Mutex<[String: Entry]>
    /// Sink names in configuration order.
    public let names: [String]

    public init(sinks: [any AlertSink]) {
        names = sinks.map(\.name)
        var e: [String: Entry] = [:]
        for s in sinks { e[s.name] = Entry(type: s.type) }
        entries = Mutex(e)
    }

    func delivered(_ sink: String, at now: Int64) {
        entries.withLock {
            $0[sink]?.delivered &+= 1
            $0[sink]?.lastSuccessAt = now
            $0[sink]?.retrying = false
            $0[sink]?.lastError = nil
        }
    }

    func retrying(_ sink: String, error: String) {
        entries.withLock {
            $0[sink]?.retrying = true
            $0[sink]?.lastError = error
        }
    }

    func failed(_ sink: String, error: String) {
        entries.withLock {
            $0[sink]?.failed &+= 1
            $0[sink]?.lastError = error
        }
    }

    /// The status rows, with what waits in the outbox for each sink.
    func reports(outbox: Outbox) -> [SinkReport] {
        let snapshot = entries.withLock { $0 }
        return names.compactMap { name in
            guard let e = snapshot[name] else { return nil }
            let state = e.disabled ? "disabled" : (e.retrying ? "retrying" : "ok")
            return SinkReport(
                name: name, type: e.type, state: state, queued: outbox.queued(for: name),
                oldestQueuedAt: outbox.oldestQueuedAt(for: name).map(CivilTime.iso8601),
                lastSuccessAt: e.lastSuccessAt.map(CivilTime.iso8601), lastError: e.lastError,
                delivered: e.delivered, failed: e.failed)
        }
    }
}
