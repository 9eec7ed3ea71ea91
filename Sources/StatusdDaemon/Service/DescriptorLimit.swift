#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit, raised from the soft to the hard limit at start.
///
/// systemd starts services with a soft limit of 1024 and a hard one far above; the status socket
/// and the metrics listener each admit hundreds of connections, and a full set of them must not
/// leave the tailer unable to open a log. statusd uses epoll, never select(), so the raise is safe.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one (at most `cap`); returns the soft limit in force after.
    @discardableResult
    static func raise(cap: UInt = 65_536) -> UInt {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let wanted = min(UInt(limit.rlim_max), cap)
        if UInt(limit.rlim_cur) < wanted {
            limit.rlim_cur = rlim_t(wanted)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 { _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) }
        }
        return UInt(limit.rlim_cur)
    }

    /// The soft limit in force.
    static var soft: UInt {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return UInt(limit.rlim_cur)
    }

    /// Descriptors the process holds now (entries of /proc/self/fd, less the one reading it).
    static func inUse() -> Int? {
        guard let d = opendir("/proc/self/fd") else { return nil }
        defer { closedir(d) }
        var n = 0
        while readdir(d) != nil { n += 1 }
        return max(0, n - 3) // ., .. and the directory's own descriptor
    }

    /// Log files the tailer may hold open at once: the soft limit, less what the rest of the process
    /// holds now (sockets, epoll, inotify, the journal, sinks' connections) and a reserve, so the
    /// state write, status and metrics connections and the sinks never go without a descriptor.
    static func tailBudget(heldByTailer: Int) -> Int {
        let limit = Int(min(soft, 1 << 30))
        let others = max(0, (inUse() ?? 32) - heldByTailer)
        let reserve = min(max(16, limit / 16), 256)
        return max(1, limit - others - reserve)
    }
}
