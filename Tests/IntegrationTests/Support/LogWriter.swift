import Foundation
import Synchronization

/// A web server's log writer in a thread: appends combined lines at a steady rate, and, like
/// nginx after `USR1`, reopens the path when the file there changed (checked before each line).
/// Knows exactly what it wrote: the ground truth for the rotation tests.
final class LogWriter: @unchecked Sendable {
    let path: String
    private let stopFlag = Atomic<Bool>(false)
    private let pauseFlag = Atomic<Bool>(false)
    private let written = Mutex([Int: Int]())
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    /// The statuses it cycles through.
    static let cycle = [200, 200, 200, 304, 404, 200, 502, 200, 503, 200]

    init(path: String) { self.path = path }

    /// Starts writing `total` lines, `perSecond` a second.
    func start(total: Int, perSecond: Int, reopen: Bool = true) {
        let t = Thread { [self] in
            var fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            var ino = Self.inode(fd: fd)
            let start = Date()
            var i = 0
            while i < total, !stopFlag.load(ordering: .relaxed) {
                if pauseFlag.load(ordering: .relaxed) { usleep(1000); continue }
                // Like a server after its reopen signal: only once the new file is there.
                if reopen, case let now = Self.inode(path: path), now != 0, now != ino {
                    close(fd)
                    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                    ino = Self.inode(fd: fd)
                }
                let status = Self.cycle[i % Self.cycle.count]
                let line = Array(AccessLines.make(status, count: 1).utf8)
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                written.withLock { $0[status, default: 0] += 1 }
                i += 1
                // Pace: sleep when ahead of schedule.
                let due = start.addingTimeInterval(Double(i) / Double(perSecond))
                let ahead = due.timeIntervalSinceNow
                if ahead > 0.001 { usleep(UInt32(ahead * 1_000_000)) }
            }
            close(fd)
            done.signal()
        }
        thread = t
        t.start()
    }

    func pause() { pauseFlag.store(true, ordering: .relaxed); usleep(20_000) }
    func resume() { pauseFlag.store(false, ordering: .relaxed) }

    /// Waits for the writer to finish (bounded).
    func wait(timeout: Double = 120) {
        _ = done.wait(timeout: .now() + timeout)
    }

    func stop() {
        stopFlag.store(true, ordering: .relaxed)
        wait(timeout: 10)
    }

    /// Lines written, by class key (`2xx`...).
    var classes: [String: Int] {
        written.withLock { w in
            var out: [String: Int] = [:]
            for (status, n) in w { out["\(status / 100)xx", default: 0] += n }
            return out
        }
    }

    var total: Int { written.withLock { $0.values.reduce(0, +) } }

    static func inode(fd: Int32) -> UInt64 {
        var st = stat()
        return fstat(fd, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    static func inode(path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }
}

/// Real logrotate with a config written for the test, forced to rotate now.
enum Logrotate {
    static var binary: String? { Proc.which("logrotate", "/usr/sbin/logrotate") }

    static func rotate(_ dir: TempDir, log: String, options: [String]) throws {
        guard let bin = binary else { throw CocoaError(.executableNotLoadable) }
        let conf = dir.file("logrotate.conf")
        try """
        \(log) {
            rotate 10
            missingok
            \(options.joined(separator: "\n    "))
        }
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let out = try Proc.run(bin, ["-f", "-s", dir.file("logrotate.state"), conf], timeout: 60)
        if out.status != 0 { throw LogrotateFailure(output: out.stderr) }
    }

    struct LogrotateFailure: Error { var output: String }
}
