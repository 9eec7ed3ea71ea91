import Foundation

/// A real Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1, started by a test with
/// its own config and storage, clustering off, and stopped by its PID. Its v2 API is read with curl.
final class Alertmanager {
    static let binary = "/usr/bin/prometheus-alertmanager"
    let port: Int
    let configPath: String
    let storage: String
    private var process: Process?

    /// Groups by `alertname`, flushes groups within a second, and posts its notifications (firing
    /// and resolved) to `webhook` when given.
    static func config(webhook: String?) -> String {
        var s = """
        route:
          receiver: out
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: out

        """
        if let webhook {
            s += """
                webhook_configs:
                  - {url: "\(webhook)", send_resolved: true}

            """
        }
        return s
    }

    init(_ dir: TempDir, name: String = "am", webhook: String? = nil, port: Int? = nil) throws {
        self.port = port ?? Receiver.freePort()
        configPath = dir.file("\(name).yml")
        storage = dir.file("\(name)-data")
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        try Self.config(webhook: webhook).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        guard process == nil else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["--config.file=\(configPath)", "--storage.path=\(storage)", "--web.listen-address=127.0.0.1:\(port)",
                       "--cluster.listen-address=", "--log.level=warn"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        guard Proc.waitFor(20, { (try? Proc.run("/usr/bin/curl", ["-sf", "--max-time", "2", url + "/-/ready"], timeout: 5).status) == 0 }) else {
            throw CocoaError(.executableLoad)
        }
    }

    func stop() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGTERM)
        if !Proc.waitFor(10, { !p.isRunning }) { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    func get(_ path: String) -> Any? {
        guard let out = try? Proc.run("/usr/bin/curl", ["-sf", "--max-time", "5", url + path], timeout: 10), out.status == 0 else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))
    }

    /// `GET /api/v2/alerts`: the alerts not yet resolved.
    func alerts() -> [[String: Any]] { get("/api/v2/alerts") as? [[String: Any]] ?? [] }

    /// `GET /api/v2/alerts/groups`.
    func groups() -> [[String: Any]] { get("/api/v2/alerts/groups") as? [[String: Any]] ?? [] }

    /// The alert whose `alertname` and `host` labels are these.
    func alert(_ name: String, host: String) -> [String: Any]? {
        alerts().first { a in
            let l = a["labels"] as? [String: String]
            return l?["alertname"] == name && l?["host"] == host
        }
    }

    deinit { stop() }
}
