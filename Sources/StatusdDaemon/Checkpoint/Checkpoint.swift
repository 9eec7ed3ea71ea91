import StatusdCore

/// Everything statusd needs to resume after a restart or a crash, written in one atomic file:
/// where it is in each file, the counts those offsets stand for, the windows, alert states, how
/// far evaluation got, and the outbox of notifications not yet delivered.
///
/// Offsets and totals are saved together, so after `kill -9` the totals plus what is re-read from
/// the saved offsets equal what the files hold: nothing lost, nothing counted twice. Alert states
/// and the outbox are saved together, so a transition is never recorded without its notification.
struct Checkpoint: Codable, Sendable {
    /// 2 added the evaluation point and the outbox; version 1 files still load.
    static let currentVersion = 2

    var version: Int = Checkpoint.currentVersion
    var savedAt: Int64
    var inputs: [String: TallySnapshot]
    var files: [FileCheckpoint]
    var alerts: [String: AlertState]
    var evaluatedThrough: Int64?
    var clock: Int64?
    var outbox: Outbox?
    /// Long-window buckets (SLO burn rates, windows over 10 minutes); absent in older files.
    var long: [String: TieredCountsSnapshot]?
    /// statusd's own degradations paged and events listed (`health`); absent in older files.
    var health: HealthBoard?
    /// Since when each input was watched (`no_traffic` proves absence only after); absent in older files.
    var watchedSince: [String: Int64]?
    /// Each `journal:` input's place in the journal: the cursor of the last entry read.
    var journalCursors: [String: String]?
    /// Hourly buckets of seasonal baselines (`baseline: same_hour_last_week`); absent when none.
    var seasonal: [String: TieredCountsSnapshot]?
    /// SLO pairs held after a quick all-clear, so a restart cannot page on them again.
    var held: [String: Int]?
    /// The resume positions of sources other than files and the journal (which keep theirs in
    /// `files` and `journal_cursors`), by kind: `position(of:)`. Absent when there are none.
    var sources: [String: SourcePosition]?

    init(savedAt: Int64, monitor: MonitorSnapshot, files: [FileCheckpoint], outbox: Outbox) {
        self.savedAt = savedAt
        inputs = monitor.inputs
        alerts = monitor.alerts
        evaluatedThrough = monitor.evaluatedThrough
        clock = monitor.clock
        long = monitor.long
        watchedSince = monitor.watchedSince
        seasonal = monitor.seasonal
        held = monitor.held
        self.files = files
        self.outbox = outbox
    }

    var monitor: MonitorSnapshot {
        var m = MonitorSnapshot(inputs: inputs, alerts: alerts, evaluatedThrough: evaluatedThrough, clock: clock, long: long)
        m.watchedSince = watchedSince
        m.seasonal = seasonal
        m.held = held
        return m
    }

    enum CodingKeys: String, CodingKey {
        case version, inputs, files, alerts, clock, outbox, long, health
        case savedAt = "saved_at", evaluatedThrough = "evaluated_through"
        case watchedSince = "watched_since", journalCursors = "journal_cursors", seasonal, held
        case sources
    }
}

/// One open file: its identity and the offset of the first byte not yet counted.
struct FileCheckpoint: Codable, Sendable, Equatable {
    var input: String
    var path: String
    var device: UInt64
    var inode: UInt64
    /// Never inside a line: the start of the first line not yet counted.
    var offset: UInt64
    var fingerprint: Fingerprint

    var identity: FileIdentity { FileIdentity(device: device, inode: inode) }
}
