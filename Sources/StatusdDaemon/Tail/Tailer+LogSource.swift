import StatusdCore
import StatusdFiles

/// The tailer as one of the pipeline's sources. `configure` and `tick` are its own generic
/// methods (specialised for `Monitor` here); reading what is ready is handling the queued inotify
/// events.
extension Tailer: LogSource {
    var kind: SourceKind { .file }

    func read(into sink: inout Monitor, now: Int64) {
        handleEvents(into: &sink, now: now)
    }

    /// inotify's descriptor (none without inotify: the directories are then polled every tick).
    var pollDescriptors: [Int32] { inotifyFD.map { [$0] } ?? [] }

    /// What a writer appends stays in the file until it is read.
    var keepsUnread: Bool { true }

    /// Paths that match but cannot be opened, each named with its input.
    var unreadable: [(subject: String, detail: String)] {
        errors.sorted(by: { $0.key < $1.key }).map { path, err in
            let input = inputs.first { i in i.patterns.contains { $0.directory == PathPattern(path).directory } }?.config.name
            return (path, "\(err); its lines are not counted" + (input.map { " (input \($0))" } ?? ""))
        }
    }

    /// Every open file's identity, offset and fingerprint.
    var position: SourcePosition { SourcePosition(files: checkpoints) }

    func restore(_ position: SourcePosition, seenInputs: Set<String>, savedAt: Int64) {
        restore(position.files ?? [], seenInputs: seenInputs, savedAt: savedAt)
    }

    /// Closes the open files (their offsets stay, for status); inotify goes with the tailer.
    func shutDown() {
        for f in active.values { f.closeFile() }
        for f in draining { f.closeFile() }
    }
}
