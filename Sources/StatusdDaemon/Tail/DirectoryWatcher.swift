import Logging
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// The inotify watches on the log directories, and the directories that fall back to polling.
///
/// Keeping the watch bookkeeping apart from the files lets the tailer ask one question per batch
/// of events ("what changed?") and get back a small `DirectoryEvents`, which is pure and tested.
/// A directory is polled when its input asks for it (network mounts), when inotify is missing,
/// when the watch limit is reached, or after its watch was lost (the directory was removed).
final class DirectoryWatcher {
    private let inotify: Inotify?
    private var watches: [String: Int32] = [:]
    private var watchedDirs: [Int32: String] = [:]
    /// Directories no watch covers; the tailer rescans them by polling.
    private(set) var pollingDirectories: Set<String> = []
    /// Directories that got no watch because the watch limit was reached (ENOSPC), for `health`.
    private(set) var exhaustedDirectories: Set<String> = []
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
        inotify = Inotify()
        if inotify == nil { logger.warning("inotify is not available; polling the log directories every second") }
    }

    var fd: Int32? { inotify?.fd }

    var hasInotify: Bool { inotify != nil }

    func isWatched(_ dir: String) -> Bool { watches[dir] != nil }

    /// Drops the watches on directories not in `dirs`; returns the directories of `dirs` that have none.
    func unwatch(keeping dirs: Set<String>) -> Set<String> {
        for (dir, wd) in watches where !dirs.contains(dir) {
            inotify?.unwatch(wd)
            watches[dir] = nil
            watchedDirs[wd] = nil
        }
        exhaustedDirectories.formIntersection(dirs)
        return dirs.subtracting(watches.keys)
    }

    /// Watches `dir`, or polls it when `polled` or when no watch can be placed.
    func watch(_ dir: String, polled: Bool) {
        guard let inotify, !polled else { pollingDirectories.insert(dir); return }
        let wd = inotify.watch(directory: dir)
        if wd >= 0 {
            watches[dir] = wd
            watchedDirs[wd] = dir
            pollingDirectories.remove(dir)
            exhaustedDirectories.remove(dir)
        } else {
            if -wd == ENOSPC { exhaustedDirectories.insert(dir) } else { exhaustedDirectories.remove(dir) }
            if -wd == ENOSPC, !pollingDirectories.contains(dir) {
                logger.warning("inotify watch limit reached (fs.inotify.max_user_watches); polling \(dir)")
            }
            pollingDirectories.insert(dir)
        }
    }

    /// Reads the queued events and sums them up; `nil` when there were none. `isOpen` tells a write
    /// to a followed file from a write elsewhere. Directories whose watch is gone turn to polling.
    func drain(isOpen: (String) -> Bool) -> DirectoryEvents? {
        guard let inotify else { return nil }
        let events = inotify.drain()
        guard !events.isEmpty else { return nil }
        let summary = DirectoryEvents(events, directories: watchedDirs, isOpen: isOpen)
        if summary.overflowed { logger.warning("inotify queue overflowed; rescanning every log") }
        for lost in summary.lostWatches {
            watches[lost.directory] = nil
            watchedDirs[lost.wd] = nil
            pollingDirectories.insert(lost.directory)
        }
        return summary
    }
}

/// What a batch of inotify events on the log directories means for the tailer.
///
/// A value computed from the events alone, so that rename pairing and rescan triggers are tested
/// without a kernel: writes to followed files, writes elsewhere (a draining file may have grown),
/// renames paired by cookie (a file rotated away before it was seen), and whether to rescan.
struct DirectoryEvents {
    struct Rename: Equatable {
        var from: String
        var to: String
    }

    struct LostWatch: Equatable {
        var wd: Int32
        var directory: String
    }

    /// Followed files that were written to.
    var modified: Set<String> = []
    /// A file that is not followed at its path was written to: a renamed or draining one.
    var unknownWrite = false
    /// IN_MOVED_FROM and IN_MOVED_TO paired by their cookie, in order.
    var renames: [Rename] = []
    /// Files appeared, moved, were deleted or changed attributes, a watch was lost, or the queue overflowed.
    var rescanNeeded = false
    /// The kernel dropped events: only a rescan can tell what happened.
    var overflowed = false
    /// Watches the kernel removed (IN_IGNORED): the directory went away.
    var lostWatches: [LostWatch] = []

    init(_ events: some Sequence<Inotify.Event>, directories: [Int32: String], isOpen: (String) -> Bool) {
        var directories = directories
        var movedFrom: [UInt32: String] = [:]
        for e in events {
            if e.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                overflowed = true
                rescanNeeded = true
                continue
            }
            guard let dir = directories[e.wd] else { continue }
            if e.mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                if e.mask & UInt32(IN_IGNORED) != 0 {
                    // Later events of this batch on the lost watch mean nothing.
                    directories[e.wd] = nil
                    lostWatches.append(LostWatch(wd: e.wd, directory: dir))
                }
                rescanNeeded = true
                continue
            }
            let path = PathPattern.prefix(dir) + e.name
            if e.mask & UInt32(IN_MODIFY) != 0 {
                if isOpen(path) { modified.insert(path) } else { unknownWrite = true }
            }
            if e.mask & UInt32(IN_MOVED_FROM) != 0 { movedFrom[e.cookie] = path }
            if e.mask & UInt32(IN_MOVED_TO) != 0, let from = movedFrom[e.cookie] { renames.append(Rename(from: from, to: path)) }
            if e.mask & UInt32(IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB) != 0 {
                rescanNeeded = true
            }
        }
    }
}
