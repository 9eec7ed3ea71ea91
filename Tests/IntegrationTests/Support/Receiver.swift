import Foundation

/// A webhook receiver on 127.0.0.1 (`receiver.py` under python3), started by a test and stopped
/// by its PID: it logs every request and answers as its mode file says (`ok`, `503`, `429:2`,
/// `410`, `301`, ...). Stopping it makes connections refused; `start()` brings it back on the
/// same port.
final class Receiver {
    struct Request {
        var t: Double
        var path: String
        var headers: [String: String]
        var body: String
        var status: Int
        var sigOK: Bool?
        var method = "POST"
        /// The whole logged record (service fields: `dup`, `open_before`).
        var record: [String: Any] = [:]
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
        var key: String? { headers["idempotency-key"] }
    }

    static let script = Fixtures.packageRoot + "/Tests/IntegrationTests/Support/receiver.py"

    let port: Int
    let logPath: String
    let modePath: String
    let secret: String?
    private var process: Process?

    init(_ dir: TempDir, name: String = "receiver", secret: String? = nil, mode: String = "ok") throws {
        port = Self.freePort()
        logPath = dir.file("\(name).jsonl")
        modePath = dir.file("\(name).mode")
        self.secret = secret
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        self.mode(mode)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func mode(_ m: String) {
        try? m.write(toFile: modePath, atomically: true, encoding: .utf8)
    }

    func start() throws {
        guard process == nil else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.script, "--port", String(port), "--log", logPath, "--mode-file", modePath] + (secret.map { ["--secret", $0] } ?? [])
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        guard Proc.waitFor(10, { Self.answers(port) }) else { throw CocoaError(.executableLoad) }
    }

    /// Stops it (SIGKILL by its PID): connections are refused until `start()`.
    func stop() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func requests() -> [Request] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(t: o["t"] as? Double ?? 0, path: o["path"] as? String ?? "", headers: o["headers"] as? [String: String] ?? [:],
                           body: o["body"] as? String ?? "", status: o["status"] as? Int ?? 0, sigOK: o["sig_ok"] as? Bool,
                           method: o["method"] as? String ?? "POST", record: o)
        }
    }

    /// Requests answered with a 2xx: what the sink acknowledged.
    func delivered(path: String? = nil) -> [Request] {
        requests().filter { (200..<300).contains($0.status) && (path == nil || $0.path == path) }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func answers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    deinit { stop() }
}

/// Combined lines with a chosen path and user agent (raw bytes: invalid UTF-8 too).
enum RawLines {
    static func make(_ status: Int, count: Int, path: [UInt8], agent: [UInt8]) -> [UInt8] {
        let stamp = AccessLines.timeLocal(Date())
        let line = Array("127.0.0.1 - - [\(stamp)] \"GET ".utf8) + path + Array(" HTTP/1.1\" \(status) 12 \"-\" \"".utf8) + agent + Array("\"\n".utf8)
        return Array([[UInt8]](repeating: line, count: count).joined())
    }
}
