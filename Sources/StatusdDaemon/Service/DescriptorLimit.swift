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
}
