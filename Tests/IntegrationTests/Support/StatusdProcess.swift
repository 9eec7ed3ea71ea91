import Foundation

/// The real statusd binary, run as a daemon for a test and stopped by its PID.
final class StatusdProcess {
    let process = Process()
    let socket: String
    let configPath: String
    let stderrPath: String

    /// The binary built beside the test bundle (`swift build` puts both in one folder).
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // swift test runs .../debug/statusdPackageTests.xctest
        if dir.hasSuffix(".xctest") { dir = (dir as NSString).deletingLastPathComponent }
        let candidate = dir + "/statusd"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return Fixtures.packageRoot + "/.build/debug/statusd"
    }()

    /// `launcher` runs the binary through another program that execs it (`nsenter ... --`).
    init(config: String, socket: String, dir: TempDir, launcher: [String] = []) throws {
        self.socket = socket
        self.configPath = config
        self.stderrPath = dir.file("statusd.stderr")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [Self.binary, "run", "--config", config]
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["run", "--config", config]
        }
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits until the status socket answers.
    func waitReady(timeout: Double = 20) -> Bool {
        Proc.waitFor(timeout) { (try? status()) != nil }
    }

    /// `statusd status --json`, parsed, with its exit code.
    func status() throws -> (json: [String: Any], exit: Int32) {
        let out = try Proc.run(Self.binary, ["status", "--socket", socket, "--json"], timeout: 10)
        guard out.status != 3, let obj = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return (obj, out.status)
    }

    /// The counts (`1xx`..`5xx`, `52x`, `aborts`, `other`, `unparsed`) of input `name`.
    func counts(_ name: String) throws -> [String: Int] {
        let inputs = try status().json["inputs"] as? [[String: Any]] ?? []
        guard let input = inputs.first(where: { $0["name"] as? String == name }) else { return [:] }
        return (input["counts"] as? [String: Int]) ?? [:]
    }

    func rule(_ name: String) throws -> [String: Any]? {
        let rules = try status().json["rules"] as? [[String: Any]] ?? []
        return rules.first { $0["name"] as? String == name }
    }

    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// SIGTERM and wait; returns the exit status (or nil if it had to be killed).
    @discardableResult
    func stop(timeout: Double = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        if Proc.waitFor(timeout, { !process.isRunning }) {
            process.waitUntilExit()
            return process.terminationStatus
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        return nil
    }

    deinit { stop() }
}

enum Fixtures {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4) // Tests/IntegrationTests/Support/StatusdProcess.swift
        return parts.joined(separator: "/")
    }()
}
