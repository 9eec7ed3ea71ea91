import ArgumentParser
import StatusdClient
import StatusdCore

/// `statusd ack ALERT_ID [--reason TEXT]`: "I am on it". Goes through the status socket like
/// `statusd silence`; the daemon stops the episode's reminders and escalation, shows the
/// acknowledgement in status and says it in the episode's next notice.
struct AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a firing alert: no more reminders or escalation for this episode.",
        discussion: "ALERT_ID is the episode's id as `statusd status` shows it (server-errors@1795169110). Exit codes: 0 done, 1 refused (not firing, acknowledged already), 3 the daemon cannot be reached.")

    @OptionGroup var connection: SilenceCommand.Connection

    @Argument(help: "The alert's id (alert_id in `statusd status --json`).")
    var alertID: String

    @Option(help: "Why, or who is on it (shown in status and the next notice).")
    var reason: String?

    func run() throws {
        let body = try connection.send("POST", "/ack", body: StatusJSON.encode(AckRequest(alertID: alertID, reason: reason)), command: "ack")
        let r = try StatusJSON.decode(AckReport.self, from: body)
        var line = "acknowledged \(r.alertID) at \(r.at)"
        if !r.stoppedEscalations.isEmpty { line += "; escalation to \(r.stoppedEscalations.joined(separator: ", ")) stopped" }
        print(SafeText.field(line))
    }
}
