import Foundation

/// A systemd-journald of a test's own, in a private mount namespace (tmpfs over journald's socket
/// and storage directories), so a test can stop and start it without touching the journald other
/// tests use. statusd and journalctl run in the same namespace through `nsenter`.
final class PrivateJournal {
    private let holder = Process()
    private var journald: Process?

    init() throws {
        for dir in ["/run/systemd/journal", "/run/log/journal", "/var/log/journal"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        holder.arguments = ["--mount", "--propagation", "private", "--", "/bin/sleep", "600"]
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        // The namespace exists once the holder has exec'd sleep.
        _ = Proc.waitFor(5) { (try? String(contentsOfFile: "/proc/\(holder.processIdentifier)/comm", encoding: .utf8)) == "sleep\n" }
        for dir in ["/run/systemd/journal", "/run/log/journal", "/var/log/journal"] {
            let out = try Proc.run("/usr/bin/nsenter", enter + ["/bin/mount", "-t", "tmpfs", "tmpfs", dir])
            guard out.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["why": out.stderr]) }
        }
    }

    /// `nsenter` arguments that enter the namespace.
    var enter: [String] { ["-t", String(holder.processIdentifier), "-m", "--"] }

    /// Starts journald in the namespace and waits until it answers.
    func start() throws {
        guard journald == nil else { return }
        guard let bin = Proc.which("/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald") else {
            throw CocoaError(.executableNotLoadable)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        p.arguments = enter + [bin]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        journald = p
        _ = Proc.waitFor(10) { isListening() }
    }

    /// Stops journald (SIGTERM, by its PID) and waits until it is gone.
    func stop() {
        guard let p = journald else { return }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        journald = nil
        // No stale socket file: senders get ENOENT/ECONNREFUSED, as with no journald at all.
        _ = try? Proc.run("/usr/bin/nsenter", enter + ["/bin/rm", "-f", "/run/systemd/journal/socket"], timeout: 5)
    }

    /// journald's socket is there in the namespace (`stop` removes it).
    func isListening() -> Bool {
        let out = try? Proc.run("/usr/bin/nsenter", enter + ["/usr/bin/test", "-S", "/run/systemd/journal/socket"], timeout: 5)
        return out?.status == 0
    }

    /// Entries with the given field matches, as JSON objects, read with the namespace's journalctl.
    func entries(_ matches: [String]) throws -> [[String: Any]] {
        let out = try Proc.run("/usr/bin/nsenter", enter + ["/usr/bin/journalctl", "-o", "json", "--no-pager"] + matches, timeout: 10)
        return out.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// A statusd daemon in the namespace (its PID is statusd's: nsenter execs it).
    func statusd(config: String, socket: String, dir: TempDir) throws -> StatusdProcess {
        try StatusdProcess(config: config, socket: socket, dir: dir, launcher: ["/usr/bin/nsenter"] + enter)
    }

    deinit {
        stop()
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
    }
}
