import StatusdCore
import StatusdFiles

/// Alerts as one line on stderr, when stderr is not already the journal (a daemon run by hand).
/// An echo, not a sink: it is not retried or kept in the outbox.
package enum StderrAlertEcho {
    package static func write(_ transition: AlertTransition) {
        guard transition.kind.notifies else { return }
        StandardError.write("statusd: " + AlertMessage.render(transition) + "\n")
    }
}
