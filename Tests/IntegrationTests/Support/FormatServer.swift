import Foundation

/// A real nginx, apache2 or haproxy started in the foreground from a config template under
/// Tests/Fixtures/servers (`@DIR@`, `@PORT@`, `@TCPPORT@` filled in), on 127.0.0.1, stopped by its PID.
final class FormatServer {
    let process = Process()
    let port: Int
    let tcpPort: Int
    let dir: TempDir

    static func template(_ name: String) throws -> String {
        try String(contentsOfFile: Fixtures.packageRoot + "/Tests/Fixtures/servers/" + name, encoding: .utf8)
    }

    /// `stdout`/`stderr`: files the server's output goes to (HAProxy's `log stdout`/`log stderr`).
    init(_ binary: String, arguments: (String) -> [String], template: String, dir: TempDir, stdout: String? = nil, stderr: String? = nil,
         ready: String = "/ok") throws {
        self.dir = dir
        port = try Nginx.freePort()
        tcpPort = try Nginx.freePort()
        let conf = dir.file(template)
        try Self.template(template)
            .replacingOccurrences(of: "@DIR@", with: dir.path)
            .replacingOccurrences(of: "@TCPPORT@", with: String(tcpPort))
            .replacingOccurrences(of: "@PORT@", with: String(port))
            .write(toFile: conf, atomically: true, encoding: .utf8)
        func handle(_ path: String?) -> FileHandle {
            guard let path else { return FileHandle.nullDevice }
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path) ?? FileHandle.nullDevice
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments(conf)
        process.standardOutput = handle(stdout)
        process.standardError = handle(stderr)
        try process.run()
        _ = Proc.waitFor(15) { (try? Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:\(port)\(ready)"], timeout: 5).status) == 0 }
    }

    /// Requests `path` `count` times in one curl run, with a User-Agent holding a quote and a
    /// backslash and an X-Forwarded-For list (bytes the servers escape), bounded in time.
    func hit(_ path: String, count: Int, port: Int? = nil) throws {
        _ = try Proc.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "--max-time", "60",
                                           "-A", #"probe "quoted" \agent"#, "-H", "X-Forwarded-For: 203.0.113.9, 198.51.100.2",
                                           "http://127.0.0.1:\(port ?? self.port)\(path)?n=[1-\(count)]"], timeout: 90)
    }

    /// Stops the server and its worker processes (Apache's children), by PID, without waiting
    /// forever on a master that is gone but not reaped.
    func stop(signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        let children = Self.children(of: pid)
        kill(pid, signal)
        if !Proc.waitFor(10, { !process.isRunning }) { kill(pid, SIGKILL) }
        _ = Proc.waitFor(5) { !process.isRunning }
        for child in children where kill(child, 0) == 0 { kill(child, SIGKILL) }
    }

    /// The processes whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> Int32? in
            guard let child = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }

    deinit { stop() }
}
