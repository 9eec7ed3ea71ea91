/// Where one source goes on after a restart, as the state file keeps it, saved in the same
/// snapshot as the counts it stands for: the counts plus what is read again from here are what
/// the source holds, nothing lost, nothing counted twice.
///
/// Each kind fills the field that fits it; a field absent is a position of another shape:
/// - files: every open or draining file's identity (device, inode), offset (never inside a line)
///   and first-bytes fingerprint, so a file rotated, truncated or replaced while statusd was down
///   is told apart from the one it was reading (`Tailer+Resume`);
/// - journal: each `journal:` input's cursor, the last entry read (`JournalSource`);
/// - syslog: none (`SourcePosition.none`). A datagram lives only in the listening socket's
///   receive buffer until statusd takes it; sent while statusd is down, it reached no socket and
///   nobody keeps it, so there is no place to go back to (`statusd check` says so per input).
///
/// A struct of optional fields rather than an enum: its JSON is plain (`{"cursors": {...}}`), and
/// a later kind adds a field that older files simply lack.
struct SourcePosition: Codable, Sendable, Equatable {
    /// Files' identities, offsets and fingerprints (the file source).
    var files: [FileCheckpoint]?
    /// A place in a stream per input, opaque to the pipeline (journal cursors).
    var cursors: [String: String]?

    init(files: [FileCheckpoint]? = nil, cursors: [String: String]? = nil) {
        self.files = files
        self.cursors = cursors
    }

    /// No position: a fresh start for the source, or a source that cannot resume (syslog).
    static let none = SourcePosition()

    var isNone: Bool { files == nil && cursors == nil }
}

extension Checkpoint {
    /// `kind`'s position in this state file.
    ///
    /// Where each is kept: the file source's in `files` and the journal's in `journal_cursors`,
    /// the fields every version of the state file has had (an older statusd, downgraded, resumes
    /// from them; `files` is required there), and every other kind's under its name in
    /// `sources`. Not both: the files' list is the bulk of the positions (thousands of container
    /// logs), and the snapshot's cadence stretches with its size. `sources` is read first, so a
    /// later version may move a kind there.
    func position(of kind: SourceKind) -> SourcePosition {
        if let saved = sources?[kind.rawValue] { return saved }
        switch kind {
        case .file: return SourcePosition(files: files)
        case .journal: return journalCursors.map { SourcePosition(cursors: $0) } ?? .none
        default: return .none
        }
    }

    /// Records `kind`'s position where `position(of:)` reads it (nothing for `none`).
    mutating func record(_ position: SourcePosition, of kind: SourceKind) {
        switch kind {
        case .file:
            files = position.files ?? []
        case .journal:
            journalCursors = position.cursors.flatMap { $0.isEmpty ? nil : $0 }
        default:
            if position.isNone {
                sources?[kind.rawValue] = nil
            } else {
                sources = sources ?? [:]
                sources?[kind.rawValue] = position
            }
        }
    }
}
