import Foundation
import Synchronization

/// A real systemd-journald for the tests: started when none is listening, stopped by its PID
/// when the last test that needed it is done.
final class Journald: Sendable {
    private struct State {
        var users = 0
        var process: Process?
    }

    private static let state = Mutex(State())

    static var socketPath: String { "/run/systemd/journal/socket" }

    /// Makes sure a journald listens; `release()` when done.
    static func acquire() throws {
        try state.withLock { s in
            s.users += 1
            if FileManager.default.fileExists(atPath: socketPath), isAnswering() { return }
            guard let bin = Proc.which("/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald") else {
                throw CocoaError(.executableNotLoadable)
            }
            try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            s.process = p
            _ = Proc.waitFor(10) { isAnswering() }
        }
    }

    static func release() {
        state.withLock { s in
            s.users -= 1
            guard s.users == 0, let p = s.process else { return }
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
            s.process = nil
        }
    }

    /// Something listens on journald's socket (a stale socket file left by a stopped journald
    /// refuses the connection).
    private static func isAnswering() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(socketPath.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }

    /// The entries `pid` wrote with the given field value, as JSON objects.
    static func entries(pid: Int32, _ matches: [String] = []) throws -> [[String: Any]] {
        let out = try Proc.run("/usr/bin/journalctl", ["-o", "json", "--no-pager", "_PID=\(pid)"] + matches, timeout: 10)
        return out.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits for an entry of `pid` with `STATUSD_STATE=state` and `STATUSD_RULE=rule`.
    static func waitForAlert(pid: Int32, rule: String, state: String, timeout: Double = 20) throws -> [String: Any]? {
        var found: [String: Any]?
        _ = try Proc.waitFor(timeout) {
            found = try entries(pid: pid, ["STATUSD_RULE=\(rule)", "STATUSD_STATE=\(state)"]).first
            return found != nil
        }
        return found
    }
}
