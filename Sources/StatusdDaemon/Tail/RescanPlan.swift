import StatusdCore

/// What a rescan does, decided from identities alone: which open files stay (and under which
/// path), which start draining, which checkpointed files were rotated while statusd was down,
/// and which matched paths are (re)opened and from where.
///
/// Pure, so the rotation rules are tested without files, inotify or root; `Tailer.rescan` stats
/// the matched paths, builds a plan and carries it out in order.
struct RescanPlan: Equatable {
    /// A file the tailer follows at a configured path.
    struct OpenFile {
        var path: String
        var identity: FileIdentity
        /// The input's name.
        var input: String
    }

    /// A regular file at a path that a pattern of `inputs[input]` matches, in matching order.
    struct MatchedPath {
        var path: String
        var identity: FileIdentity
        var input: Int
    }

    /// An active file still at a matched path of its input: `from == to`, or it was renamed.
    struct Move: Equatable {
        var from: String
        var to: String
    }

    /// Where a newly opened file is read from.
    enum Start: Equatable {
        /// First sight of an input with `start_at: end`: only what is written from now on.
        case end
        /// From byte 0: `start_at: beginning`, or a file that appeared after the input was seen.
        case beginning
        /// The checkpoint's offset, after a restart (its fingerprint is checked on read).
        case saved(FileCheckpoint)
    }

    /// For each matched path not followed yet, in order.
    enum Step: Equatable {
        /// A draining file is at a matched path again (renamed back, or moved in): follow it there.
        case reactivate(FileIdentity, path: String)
        /// Open the file at `path` for `inputs[input]`.
        case open(path: String, input: Int, from: Start)
    }

    /// A checkpointed file at no matched path: rotated while statusd was down, to be found by
    /// identity in its directory and finished from its offset.
    struct RotatedWhileDown: Equatable {
        var checkpoint: FileCheckpoint
        var input: Int
    }

    /// Active files whose identity is at a matched path of their own input, by their current path.
    var keep: [Move] = []
    /// Active files whose identity is at no matched path of their input: rotated away, replaced
    /// or deleted. They are read until they stop growing.
    var drain: [String] = []
    /// Carried out after `keep` and `drain`, before `steps`, sorted by path.
    var rotatedWhileDown: [RotatedWhileDown] = []
    var steps: [Step] = []

    /// - Parameters:
    ///   - active: the files followed at configured paths, in any order (drained in this order).
    ///   - draining: the identities of files being drained, in their order.
    ///   - scannedInputs: inputs seen by an earlier scan (or before a checkpoint): their new files are read from the start.
    ///   - resume: checkpointed files not yet matched to a file (only before the first scan).
    init(active: [OpenFile], draining: [FileIdentity], matched: [MatchedPath], inputs: [InputConfig],
         scannedInputs: Set<String>, resume: [FileIdentity: FileCheckpoint]) {
        var firstMatch: [FileIdentity: MatchedPath] = [:]
        for m in matched where firstMatch[m.identity] == nil { firstMatch[m.identity] = m }

        var followed: Set<String> = []
        var openIDs: Set<FileIdentity> = []
        var stillDraining = draining
        for f in active {
            if let m = firstMatch[f.identity], inputs[m.input].name == f.input {
                keep.append(Move(from: f.path, to: m.path))
                followed.insert(m.path)
                openIDs.insert(f.identity)
            } else {
                drain.append(f.path)
                stillDraining.append(f.identity)
            }
        }

        for cp in resume.values.sorted(by: { $0.path < $1.path }) where firstMatch[cp.identity] == nil {
            guard let input = inputs.firstIndex(where: { $0.name == cp.input }) else { continue }
            rotatedWhileDown.append(RotatedWhileDown(checkpoint: cp, input: input))
        }

        let drainingIDs = Set(stillDraining)
        var resume = resume
        for m in matched {
            guard !openIDs.contains(m.identity), !followed.contains(m.path) else { continue }
            if drainingIDs.contains(m.identity) {
                if let k = stillDraining.firstIndex(of: m.identity) {
                    stillDraining.remove(at: k)
                    steps.append(.reactivate(m.identity, path: m.path))
                    followed.insert(m.path)
                }
                continue
            }
            let input = inputs[m.input]
            let saved = resume.removeValue(forKey: m.identity).flatMap { $0.input == input.name ? $0 : nil }
            let start: Start = if let saved {
                .saved(saved)
            } else if !scannedInputs.contains(input.name) && input.startAt == .end {
                .end
            } else {
                .beginning
            }
            steps.append(.open(path: m.path, input: m.input, from: start))
            followed.insert(m.path)
        }
    }
}
