import StatusdCore

/// A sink `statusd test-sink` can try: it posts a clearly marked test message.
package protocol TestableSink: AlertSink {
    /// Where it posts, as statusd may show it: the scheme and host, never the path or a token.
    var display: String { get }
    func sendTest(now: Int64) async -> (outcome: DeliveryOutcome, status: Int?)
}

/// A sink that must keep hearing about the alerts it got (Alertmanager resolves a firing alert
/// whose `endsAt` passed): the delivery service re-sends its standing alerts (`StandingAlerts`,
/// kept in the outbox) every `resendInterval` seconds while nothing else waits for it.
protocol ResendingSink: AlertSink {
    var resendInterval: Int64 { get }
    /// Resolved alerts are re-sent this long after the sink got them.
    var resendResolvedFor: Int64 { get }
    /// Sends these alerts again, in one request.
    func resend(_ transitions: [AlertTransition]) async -> DeliveryOutcome
}

extension HTTPAlertSink: TestableSink {
    package var display: String { url.display }
}
