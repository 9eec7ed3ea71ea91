import StatusdCore

/// `statusd ack` over the status socket (`AckRoutes`): acknowledges a firing episode, which stops
/// its reminders and escalation.
package protocol AlertAcknowledger: Sendable {
    func acknowledge(_ request: AckRequest) throws(AckFailure) -> AckReport
}

/// Everything the status socket serves: the report, the silences and acknowledgements.
package typealias StatusSocketBackend = StatusSource & SilenceAdmin & AlertAcknowledger

/// Why an acknowledgement failed: the request (400/404) or the state directory (500).
package enum AckFailure: Error, CustomStringConvertible {
    case refused(AckError)
    case notSaved(String)

    package var description: String {
        switch self {
        case .refused(let e): return e.description
        case .notSaved(let why): return "the acknowledgement could not be saved: \(why)"
        }
    }
}
