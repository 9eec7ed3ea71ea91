import StatusdCore

/// What the delivery service needs of the outbox: a sink's queued notifications, its
/// acknowledgements, and its standing alerts. The pipeline is one; tests pass their own, so the
/// delivery loops run in process without tailing, a monitor or a state file.
protocol OutboxPort: Sendable {
    /// Every notification waiting for `sink`, oldest first.
    func queuedEntries(for sink: String) -> [Outbox.Entry]
    /// `sink` has these notifications (or refused them for good): saved before this returns, so
    /// a restart does not send them again.
    func acknowledge(_ seqs: [UInt64], sink: String)
    /// As `acknowledge(_:sink:)`, and the transitions become `sink`'s standing alerts (a sink
    /// that re-sends them, Alertmanager).
    func acknowledge(_ seqs: [UInt64], sink: String, standing transitions: [AlertTransition])
    /// What `sink` should be sent again now (`StandingAlerts.due`).
    func standingAlerts(for sink: String, resolvedFor: Int64) -> [AlertTransition]
}
