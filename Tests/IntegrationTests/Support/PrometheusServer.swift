import Foundation

/// A real Prometheus (Debian's `prometheus` package) on 127.0.0.1, scraping the targets it is given
/// every second, with its storage in the test's folder; stopped by its PID.
final class PrometheusServer {
    static let binary = "/usr/bin/prometheus"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let process = Process()
    let port: Int
    let logPath: String

    /// `basicAuth`: the credentials Prometheus sends with each scrape (`basic_auth` in its scrape config).
    init(scraping targets: [String], dir: TempDir, basicAuth: (username: String, password: String)? = nil) throws {
        port = freeLoopbackPort()
        let targetList = targets.map { "\"\($0)\"" }.joined(separator: ", ")
        try dir.write("prometheus.yml", """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: statusd
            static_configs:
              - targets: [\(targetList)]
        """ + (basicAuth.map { "\n    basic_auth: {username: \"\($0.username)\", password: \"\($0.password)\"}\n" } ?? ""))
        logPath = dir.file("prometheus.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(dir.file("prometheus.yml"))",
            "--storage.tsdb.path=\(dir.file("tsdb"))",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var logText: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until Prometheus says it is ready.
    func waitReady(timeout: Double = 30) -> Bool {
        Proc.waitFor(timeout) {
            (try? Proc.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/-/ready"], timeout: 5).status) == 0
        }
    }

    /// An instant PromQL query over the HTTP API: each result's labels and value.
    func query(_ promql: String) throws -> [(labels: [String: String], value: Double)] {
        let out = try Proc.run("/usr/bin/curl", ["-sf", "--get", "http://127.0.0.1:\(port)/api/v1/query",
                                                 "--data-urlencode", "query=\(promql)"], timeout: 10)
        guard out.status == 0,
              let obj = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any],
              obj["status"] as? String == "success",
              let data = obj["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw CocoaError(.fileReadCorruptFile) }
        return result.compactMap { r in
            guard let labels = r["metric"] as? [String: String], let pair = r["value"] as? [Any], pair.count == 2,
                  let text = pair[1] as? String, let v = Double(text) else { return nil }
            return (labels, v)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        if !Proc.waitFor(15, { !process.isRunning }) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
