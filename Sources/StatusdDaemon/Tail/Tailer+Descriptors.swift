import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// The descriptor budget: how many log files may be open at once, idle files closed, and files
/// that could not be opened waiting, each with its offset, until a descriptor is free.
///
/// A failed open is never a rotation: the file stays followed where it was (or from where it
/// would have started), and shows in status as `waiting`. An idle file is closed after its input's
/// `close_inactive`, and sooner while others wait (read to its end, quiet longest first), and
/// reopened when it grows: by path, kept only if the path still holds the same device and inode
/// (the read then checks its fingerprint, as after a restart). Replaced meanwhile, the next rescan
/// drains it (found again by identity in its directory) and reads the new file from its start.
extension Tailer {
    /// Recomputes the budget from the soft limit and what the rest of the process holds now.
    func updateBudget() {
        descriptorBudget = min(budgetCap, DescriptorLimit.tailBudget(heldByTailer: TailedFile.openCount))
    }

    var hasRoom: Bool { TailedFile.openCount < descriptorBudget }

    /// Files that cannot be opened yet, all inputs.
    var waitingCount: Int { (draining + active.values).reduce(0) { $0 + ($1.waitingSince != nil ? 1 : 0) } }

    /// Closes open, fully read files (quiet longest first) until one descriptor is free; `false`
    /// when none can be closed.
    @discardableResult
    func makeRoom(now: Int64) -> Bool {
        if hasRoom { return true }
        // Rotated files first (they seldom grow again), then the files quiet longest.
        let candidates = (draining + active.values).filter { $0.isOpen && $0.offset == $0.size }
            .sorted { ($0.state == .draining ? 0 : 1, $0.lastGrowth) < ($1.state == .draining ? 0 : 1, $1.lastGrowth) }
        for f in candidates {
            f.closeFile()
            if hasRoom { return true }
        }
        return hasRoom
    }

    /// Opens a closed file again at its path; `false` (and the file waits) when no descriptor can be
    /// had, or when the path holds another file now (then a rescan sorts it out).
    func reattach(_ f: TailedFile, now: Int64) -> Bool {
        if f.state == .draining, !relocate(f) {
            // Rotated on to a name statusd does not read (compressed) or deleted while closed.
            if f.waitingSince != nil {
                logger.warning("\(f.path) was rotated away or deleted while it waited for a descriptor; what was not read of it is lost",
                               metadata: ["offset": "\(f.offset)"])
                f.waitingSince = nil
                f.waitError = nil
            }
            return false
        }
        guard makeRoom(now: now) else {
            wait(f, "more files than descriptors: \(descriptorBudget) open at most", now: now)
            return false
        }
        let fd = Glibc.open(f.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let e = Errno(errno)
            if e.code == ENOENT { rescanWanted = true } else { wait(f, "cannot open: \(e)", now: now) }
            return false
        }
        guard let st = FileStat.fd(fd), FileIdentity(st) == f.identity else {
            Glibc.close(fd)
            rescanWanted = true
            return false
        }
        let waited = f.waitingSince != nil
        f.attach(fd)
        generation &+= 1
        if waited { logger.debug("can read \(f.path) again", metadata: ["offset": "\(f.offset)"]) }
        return true
    }

    /// A closed draining file by its identity in its directory (it was rotated while closed).
    private func relocate(_ f: TailedFile) -> Bool {
        if case .success(let st) = FileStat.path(f.path), FileIdentity(st) == f.identity { return true }
        for path in PathPattern.listDirectory(PathPattern(f.path).directory) {
            if case .success(let st) = FileStat.path(path), FileIdentity(st) == f.identity {
                f.path = path
                return true
            }
        }
        return false
    }

    /// Closed files that a rescan found rotated away: their new names, one listing per directory
    /// (so a later write to them is seen and read, as for an open one).
    func relocateClosed(_ files: [TailedFile]) {
        var byDirectory: [String: [FileIdentity: String]] = [:]
        for f in files where !f.isOpen {
            let dir = PathPattern(f.path).directory
            if byDirectory[dir] == nil {
                var index: [FileIdentity: String] = [:]
                for path in PathPattern.listDirectory(dir) {
                    if case .success(let st) = FileStat.path(path) { index[FileIdentity(st)] = path }
                }
                byDirectory[dir] = index
            }
            if let path = byDirectory[dir]?[f.identity] { f.path = path }
        }
    }

    func wait(_ f: TailedFile, _ why: String, now: Int64) {
        if f.waitingSince == nil {
            f.waitingSince = now
            logger.debug("cannot open \(f.path) yet (\(why)); waiting, its offset kept", metadata: ["offset": "\(f.offset)"])
        }
        f.waitError = why
    }

    /// The tick's descriptor work: closes files idle for their input's `close_inactive`, then opens
    /// waiting files (closing fully read ones for them) and reads them.
    func serveDescriptors<S: LineSink>(into sink: inout S, now: Int64) {
        for f in active.values where f.isOpen && f.state == .reading {
            let limit = inputs.indices.contains(f.inputIndex) ? inputs[f.inputIndex].config.closeInactiveSeconds : 300
            if now - f.lastGrowth >= limit, f.offset == f.size {
                f.closeFile()
            }
        }
        let waiting = (draining + active.values).filter { $0.waitingSince != nil }.sorted { ($0.waitingSince!, $0.path) < ($1.waitingSince!, $1.path) }
        for f in waiting {
            guard reattach(f, now: now) else { continue }
            while read(f, into: &sink, now: now) > 0 {}
        }
        // One line when files start or stop waiting, not one per file.
        let count = waitingCount
        if count > 0, lastWaitingCount == 0 {
            logger.warning("\(count) files wait for a descriptor (\(descriptorBudget) open at most; the open-file limit is \(DescriptorLimit.soft)); they are read in turn, their offsets kept")
        } else if count == 0, lastWaitingCount > 0 {
            logger.notice("no file waits for a descriptor any more")
        }
        lastWaitingCount = count
    }

    /// The files of `input` waiting for a descriptor, as status shows them.
    func waitingFiles(for input: String) -> [WaitingFileReport] {
        (draining + active.values).filter { $0.input == input && $0.waitingSince != nil }
            .sorted { $0.path < $1.path }
            .map { WaitingFileReport(path: $0.path, error: $0.waitError ?? "", since: CivilTime.iso8601($0.waitingSince!)) }
    }
}
