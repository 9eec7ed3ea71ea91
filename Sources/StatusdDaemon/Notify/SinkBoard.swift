import Synchronization
import StatusdCore

/// The sinks in use and what each has done: routing for the pipeline, the sink objects for the
/// delivery loops, and the rows of `statusd status`. A reload swaps the sinks (and re-enables a
/// disabled one). Names and outcomes only: never a URL or a secret.
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

    private struct State: Sendable {
        var sinks: [any AlertSink]
        var entries: [String: Entry]
    }

    private let state: Mutex<State>

    public init(sinks: [any AlertSink]) {
        var e: [String: Entry] = [:]
        for s in sinks { e[s.name] = Entry(type: s.type) }
        state = Mutex(State(sinks: sinks, entries: e))
    }

    /// Sink names in configuration order (journald first).
    public var names: [String] { state.withLock { $0.sinks.map(\.name) } }

    func sink(named name: String) -> (any AlertSink)? {
        state.withLock { s in s.sinks.first { $0.name == name } }
    }

    /// A reload: new sink objects; counts kept for names that stay, disabled sinks enabled again.
    func reconfigure(sinks: [any AlertSink]) {
        state.withLock { s in
            var e: [String: Entry] = [:]
            for sink in sinks {
                var entry = s.entries[sink.name] ?? Entry(type: sink.type)
                entry.type = sink.type
                entry.disabled = false
                entry.retrying = false
                e[sink.name] = entry
            }
            s.sinks = sinks
            s.entries = e
        }
    }

    /// Where a notification goes: journald always; then the rule's `sinks` (those that exist),
    /// or every sink; in both cases only sinks that take its severity.
    func route(_ t: AlertTransition) -> [String] {
        state.withLock { s in
            s.sinks.filter { sink in
                if sink is JournalAlertSink { return true }
                if let wanted = t.sinks, !wanted.contains(sink.routeName) { return false }
                return sink.severities?.contains(t.severity) ?? true
            }.map(\.name)
        }
    }

    func isDisabled(_ sink: String) -> Bool { state.withLock { $0.entries[sink]?.disabled ?? false } }

    func delivered(_ sink: String, count: Int = 1, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.delivered &+= UInt64(count)
            $0.entries[sink]?.lastSuccessAt = now
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = nil
        }
    }

    /// An Alertmanager sink took a re-send of its standing alerts: it works, nothing new delivered.
    func resent(_ sink: String, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.lastSuccessAt = now
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = nil
        }
    }

    func retrying(_ sink: String, error: String) {
        state.withLock {
            $0.entries[sink]?.retrying = true
            $0.entries[sink]?.lastError = Redaction.clean(error)
        }
    }

    func failed(_ sink: String, count: Int = 1, error: String) {
        state.withLock {
            $0.entries[sink]?.failed &+= UInt64(count)
            $0.entries[sink]?.lastError = Redaction.clean(error)
        }
    }

    func disable(_ sink: String, error: String) {
        state.withLock {
            $0.entries[sink]?.disabled = true
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = Redaction.clean(error)
        }
    }

    /// The status rows, with what waits in the outbox for each sink.
    func reports(outbox: Outbox) -> [SinkReport] {
        let snapshot = state.withLock { ($0.sinks.map(\.name), $0.entries) }
        return snapshot.0.compactMap { name in
            guard let e = snapshot.1[name] else { return nil }
            let state = e.disabled ? "disabled" : (e.retrying ? "retrying" : "ok")
            return SinkReport(
                name: name, type: e.type, state: state, queued: outbox.queued(for: name),
                oldestQueuedAt: outbox.oldestQueuedAt(for: name).map(CivilTime.iso8601),
                lastSuccessAt: e.lastSuccessAt.map(CivilTime.iso8601), lastError: e.lastError,
                delivered: e.delivered, failed: e.failed)
        }
    }
}
