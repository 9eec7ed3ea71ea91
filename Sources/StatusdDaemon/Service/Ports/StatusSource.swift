import StatusdCore

/// Where the status socket and the metrics listener take the daemon's state from: one report,
/// built at request time.
package protocol StatusSource: Sendable {
    func report(version: String) -> StatusReport
}
