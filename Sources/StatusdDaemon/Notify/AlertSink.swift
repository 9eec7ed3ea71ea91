import StatusdCore

/// Where alert notifications go: journald now; chat and webhook sinks add conformers.
///
/// The delivery service calls `deliver` off the pipeline's thread, one notification at a time per
/// sink and in order; the outbox keeps each notification until its sink says `delivered` (or
/// rejects it for good), so a sink need not queue or retry on its own.
public protocol AlertSink: Sendable {
    /// The name rules and status use.
    var name: String { get }
    /// The kind, for status (`journald`, `slack`, ...).
    var type: String { get }
    func deliver(_ transition: AlertTransition) async -> DeliveryOutcome
}

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The sink has it: it leaves the outbox for this sink.
    case delivered
    /// It did not go through; try again (after `after` seconds when the sink said so).
    case retry(reason: String, after: Double?)
    /// The sink refused it for good (a 4xx): it is dropped for this sink and reported.
    case rejected(reason: String)
}
