import StatusdCore

/// `statusd ack` over the status socket (`AckRoutes`): acknowledges a firing episode, which stops
/// its reminders and escalation.
public protocol AlertAcknowledger: Sendable {
    func acknowledge(_ request: AckRequest) throws(Pipeline.AckFailure) -> AckReport
}

/// Everything the status socket serves: the report, the silences and acknowledgements.
public typealias StatusSocketBackend = StatusSource & SilenceAdmin & AlertAcknowledger
