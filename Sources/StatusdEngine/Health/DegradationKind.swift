/// What is wrong with statusd itself: one kind per cause `statusd status` reports under `health`.
///
/// A string-backed struct rather than an enum, so a new cause is one `static let` plus one entry in
/// `all` (for the metric's zero series), with no switch to update anywhere: e.g. the tailer's
/// "files waiting for a descriptor" is `DegradationKind("files_waiting")` fed by the daemon.
public struct DegradationKind: RawRepresentable, Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The state file cannot be written (disk full, read-only, gone): counts, offsets and queued
    /// alerts will not survive a restart.
    public static let stateNotWritable = DegradationKind("state_not_writable")
    /// The state file was found unreadable at start: what was lost or re-read says `detail`.
    public static let stateCorrupt = DegradationKind("state_corrupt")
    /// The last reload was rejected: the previous config keeps running.
    public static let reloadFailed = DegradationKind("reload_failed")
    /// A path an input matches cannot be read: its lines are not counted.
    public static let inputUnreadable = DegradationKind("input_unreadable")
    /// Files an input matches wait for a file descriptor (the open-file limit is spent): their
    /// offsets are kept and they are read once one is free, but their new lines wait too.
    public static let filesWaiting = DegradationKind("files_waiting")
    /// No inotify watch could be placed (`fs.inotify.max_user_watches`): directories are polled.
    public static let inotifyExhausted = DegradationKind("inotify_exhausted")
    /// A sink's last attempt failed; its notifications wait in the outbox.
    public static let sinkRetrying = DegradationKind("sink_retrying")
    /// A sink is disabled until a reload (404, 410, a redirect); its notifications wait.
    public static let sinkDisabled = DegradationKind("sink_disabled")
    /// Notifications were given up on (too old, or refused for good): someone was not told.
    public static let notificationsGivenUp = DegradationKind("notifications_given_up")

    /// The kinds statusd knows, in the order status lists them; the metric exports each (0 or 1).
    public static let all: [DegradationKind] = [
        stateNotWritable, stateCorrupt, reloadFailed, inputUnreadable, filesWaiting, inotifyExhausted,
        sinkRetrying, sinkDisabled, notificationsGivenUp,
    ]

    public var description: String { rawValue }

    public static func < (a: DegradationKind, b: DegradationKind) -> Bool {
        let ia = all.firstIndex(of: a) ?? all.count, ib = all.firstIndex(of: b) ?? all.count
        return ia != ib ? ia < ib : a.rawValue < b.rawValue
    }
}
