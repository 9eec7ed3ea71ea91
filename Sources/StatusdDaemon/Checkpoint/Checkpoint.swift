import StatusdCore

/// Everything statusd needs to resume after a restart or a crash, written in one atomic file:
/// where it is in each file, the counts those offsets stand for, the windows, and alert states.
///
/// Offsets and totals are saved together, so after `kill -9` the totals plus what is re-read from
/// the saved offsets equal what the files hold: nothing lost, nothing counted twice.
struct Checkpoint: Codable, Sendable {
    static let currentVersion = 1

    var version: Int = Checkpoint.currentVersion
    var savedAt: Int64
    var inputs: [String: TallySnapshot]
    var files: [FileCheckpoint]
    var alerts: [String: AlertState]

    enum CodingKeys: String, CodingKey {
        case version, inputs, files, alerts
        case savedAt = "saved_at"
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
