import Foundation
import Synchronization
import StatusdCore

/// The sinks in use and what each has done: routing for the pipeline, the sink objects for the
/// delivery loops, and the rows of `statusd status`. A reload swaps the sinks (and re-enables a
/// disabled one). Names and outcomes only: never a URL or a secret.
package final class SinkBoard: Sendable {
    struct Entry: Sendable {
        var type: String
        var retrying = false
        var disabled = false
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
        var lastSuccessAt: Int64?
        var lastError: String?
        /// When the current run of failures began (nil while it delivers).
        var retryingSince: Int64?
        /// When the delivery loop tries again.
        var nextAttemptAt: Int64?
        /// Notifications given up on (too old, refused for good), the first and latest time.
        var givenUp: UInt64 = 0
        var givenUpAt: Int64?
    }

    private struct State: Sendable {
        var sinks: [any AlertSink]
        var entries: [String: Entry]
        /// Bumped by each reload: a delivery loop waiting out a backoff tries again at once.
        var epoch: UInt64 = 0
    }

    private let state: Mutex<State>

    package init(sinks: [any AlertSink]) {
        var e: [String: Entry] = [:]
        for s in sinks { e[s.name] = Entry(type: s.type) }
        state = Mutex(State(sinks: sinks, entries: e))
    }

    /// Sink names in configuration order (journald first).
    package var names: [String] { state.withLock { $0.sinks.map(\.name) } }

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
                // A sink that was failing stays `retrying` until its next attempt (at once, see
                // `epoch`) says otherwise: status never shows `ok` over a queue that is not moving.
                if entry.retrying { entry.nextAttemptAt = Int64(Date().timeIntervalSince1970) }
                e[sink.name] = entry
            }
            s.sinks = sinks
            s.entries = e
            s.epoch &+= 1
        }
    }

    /// Where notifications go (`SinkRoutes`): the sinks made now, with `config`'s rules and
    /// `after:` delays.
    func routes(config: StatusdConfig) -> SinkRoutes {
        let sinks = state.withLock { $0.sinks }
        let declared = config.sinks
        return SinkRoutes(sinks: sinks.map { s in
            SinkRoutes.Sink(name: s.name, routeName: s.routeName, severities: s.severities, always: s is JournalAlertSink,
                            after: declared.first { $0.name == s.routeName }?.afterSeconds ?? 0)
        }, rules: config.rules)
    }

    /// Changes with each reload (`reconfigure`).
    var epoch: UInt64 { state.withLock { $0.epoch } }

    func isDisabled(_ sink: String) -> Bool { state.withLock { $0.entries[sink]?.disabled ?? false } }

    func delivered(_ sink: String, count: Int = 1, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.delivered &+= UInt64(count)
            $0.entries[sink]?.lastSuccessAt = now
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = nil
            $0.entries[sink]?.retryingSince = nil
            $0.entries[sink]?.nextAttemptAt = nil
        }
    }

    /// An Alertmanager sink took a re-send of its standing alerts: it works, nothing new delivered.
    func resent(_ sink: String, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.lastSuccessAt = now
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = nil
            $0.entries[sink]?.retryingSince = nil
            $0.entries[sink]?.nextAttemptAt = nil
        }
    }

    /// `sink`'s last attempt failed at `now`.
    func retrying(_ sink: String, error: String, nextAttemptAt: Int64? = nil, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.retrying = true
            $0.entries[sink]?.lastError = Redaction.clean(error)
            if $0.entries[sink]?.retryingSince == nil { $0.entries[sink]?.retryingSince = now }
            $0.entries[sink]?.nextAttemptAt = nextAttemptAt
        }
    }

    /// Notifications given up on for `sink` (too old, or refused for good).
    func failed(_ sink: String, count: Int = 1, error: String, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.failed &+= UInt64(count)
            $0.entries[sink]?.lastError = Redaction.clean(error)
            $0.entries[sink]?.givenUp &+= UInt64(count)
            $0.entries[sink]?.givenUpAt = now
        }
    }

    func disable(_ sink: String, error: String, at now: Int64) {
        state.withLock {
            $0.entries[sink]?.disabled = true
            $0.entries[sink]?.retrying = false
            $0.entries[sink]?.lastError = Redaction.clean(error)
            $0.entries[sink]?.retryingSince = now
            $0.entries[sink]?.nextAttemptAt = nil
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

    /// Sinks delivering now (neither retrying nor disabled): where a self-alert goes.
    func workingNames() -> [String] {
        state.withLock { s in s.sinks.map(\.name).filter { s.entries[$0].map { !$0.retrying && !$0.disabled } ?? false } }
    }

    /// The sinks' part of `health`: each retrying or disabled sink (with its next attempt and the
    /// age of what waits), and each sink's given-up notifications as events.
    func degradations(outbox: Outbox, now: Int64) -> (conditions: [Degradation], events: [Degradation]) {
        let snapshot = state.withLock { ($0.sinks.map(\.name), $0.entries) }
        var conditions: [Degradation] = [], events: [Degradation] = []
        for name in snapshot.0 {
            guard let e = snapshot.1[name] else { continue }
            let queued = outbox.queued(for: name)
            // Retrying with nothing queued retries nothing (the notifications were given up on,
            // reported below); a disabled sink will miss what comes next.
            if (e.retrying && queued > 0) || e.disabled {
                var detail = e.disabled ? "disabled until a reload" : "delivery failing"
                if let err = e.lastError { detail += ": \(err)" }
                detail += "; \(queued) notification\(queued == 1 ? "" : "s") queued"
                conditions.append(Degradation(
                    kind: e.disabled ? .sinkDisabled : .sinkRetrying, subject: name, detail: detail,
                    since: e.retryingSince ?? now, nextAttemptAt: e.disabled ? nil : e.nextAttemptAt,
                    oldestQueuedAt: outbox.oldestQueuedAt(for: name)))
            }
            // Recorded with the latest time: the board keeps the first as `since` and lists it
            // until `events_for` after the latest.
            if e.givenUp > 0, let last = e.givenUpAt {
                let why = e.lastError.map { "; last: \($0)" } ?? ""
                events.append(Degradation(kind: .notificationsGivenUp, subject: name,
                                          detail: "\(e.givenUp) notification\(e.givenUp == 1 ? "" : "s") never delivered\(why)", since: last))
            }
        }
        return (conditions, events)
    }
}
