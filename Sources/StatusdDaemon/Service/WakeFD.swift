#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that wakes the pipeline's `poll` from another thread.
final class WakeFD: @unchecked Sendable {
    private let fds: (read: Int32, write: Int32)

    init() {
        var pair: [Int32] = [-1, -1]
        _ = pipe(&pair)
        for fd in pair {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        fds = (pair[0], pair[1])
    }

    var fd: Int32 { fds.read }

    func signal() {
        var one: UInt8 = 1
        _ = Glibc.write(fds.write, &one, 1)
    }

    func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        while Glibc.read(fds.read, &sink, sink.count) > 0 {}
    }

    deinit {
        close(fds.read)
        close(fds.write)
    }
}
