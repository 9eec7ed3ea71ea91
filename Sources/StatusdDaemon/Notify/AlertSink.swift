import StatusdCore

/// Where alert notifications go: journald always, plus the chat and webhook sinks of `sinks:`.
///
/// The delivery service calls `deliver` off the pipeline's thread, one notification at a time per
/// sink and in order; the outbox keeps each notification until its sink says `delivered` (or
/// rejects it for good), so a sink need not queue or retry on its own.
package protocol AlertSink: Sendable {
    /// The name status and the outbox use (`am[2]`: the second URL of sink `am`).
    var name: String { get }
    /// The name rules route by (the config's `name`); `name` unless a sink has several URLs.
    var routeName: String { get }
    /// The kind, for status (`journald`, `slack`, ...).
    var type: String { get }
    /// Only these severities go to it (nil: all).
    var severities: Set<Severity>? { get }
    /// Notifications older than this are given up on for this sink (nil: the daemon's 24 h).
    var maxAgeSeconds: Int64? { get }
    func deliver(_ transition: AlertTransition) async -> DeliveryOutcome
    /// One message for a backlog of notifications (a sink that was down); nil when the sink takes
    /// each notification on its own whatever the backlog (journald).
    func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome?
}

extension AlertSink {
    package var routeName: String { name }
    package var severities: Set<Severity>? { nil }
    package var maxAgeSeconds: Int64? { nil }
    package func deliverDigest(_ transitions: [AlertTransition], key: String) async -> DeliveryOutcome? { nil }
}

/// What one delivery attempt came to.
package enum DeliveryOutcome: Sendable, Equatable {
    /// The sink has it: it leaves the outbox for this sink.
    case delivered
    /// It did not go through; try again (after `after` seconds when the sink said so).
    case retry(reason: String, after: Double?)
    /// The sink refused it for good (a 4xx): it is dropped for this sink and reported.
    case rejected(reason: String)
    /// The sink is gone (404, 410) or moved (3xx): nothing more is sent to it until a reload;
    /// its notifications stay queued.
    case disable(reason: String)
}
