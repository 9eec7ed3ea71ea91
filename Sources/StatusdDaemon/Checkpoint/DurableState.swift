import StatusdCore

/// The small state file (`alerts.json`): what must survive a crash at every instant and cannot be
/// re-derived from the logs. Written (temp file, fsync, rename) only when it changes: a
/// notification queued or acknowledged, an episode escalated or acknowledged (`statusd ack`), a
/// health alert, a standing alert recorded; never because lines were read.
///
/// Window contents, totals and offsets are in the snapshot (`state.json`, `Checkpoint`), written
/// rarely; after a crash the logs are re-read from the snapshot's offsets and the transitions they
/// produce again are matched against `decided` by their idempotency key, so none is queued twice.
struct DurableState: Codable, Sendable {
    static let currentVersion = 1

    var version: Int = DurableState.currentVersion
    var savedAt: Int64
    /// The notifications not yet acknowledged by every sink, the episodes (escalations,
    /// acknowledgements) and the standing alerts.
    var outbox: Outbox
    /// statusd's own degradations paged and events listed (`health`).
    var health: HealthBoard?
    /// The idempotency keys (`alertID/sequence`) of the notifying transitions decided (queued, or
    /// held back by inhibition, a silence, a maintenance window, an acknowledgement) since the
    /// snapshot's evaluation point, each with its event second (`AlertTransition.at`). A transition
    /// re-derived from the logs after a crash whose key is here was already decided: it is not
    /// queued again.
    var decided: [String: Int64]
    /// `saved_at` of the snapshot this file was written beside (for the record and for tests).
    var snapshotAt: Int64?

    enum CodingKeys: String, CodingKey {
        case version, outbox, health, decided
        case savedAt = "saved_at", snapshotAt = "snapshot_at"
    }
}
