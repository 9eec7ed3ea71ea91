import Foundation
import Logging
import StatusdCore
import Synchronization
import Testing
@testable import StatusdDaemon

/// What a reload sees of the pipeline (`Reloadable`): the config's path, what it applied, what it
/// was told failed.
private final class FakeReloadable: Reloadable {
    let configPath: String
    let applied = Mutex<[StatusdConfig]>([])
    let failures = Mutex<[String]>([])

    init(configPath: String) { self.configPath = configPath }

    func apply(_ config: StatusdConfig) { applied.withLock { $0.append(config) } }
    func noteReloadFailure(_ message: String) { failures.withLock { $0.append(message) } }
}

@Suite("SIGHUP's reload, in process, behind Reloadable")
struct ReloadServiceTests {
    let good = """
    inputs:
      - name: web
        path: /var/log/nginx/access.log
    rules:
      - name: server-errors
        match: 5xx
        rate_above: 5%
        window: 5m
    """

    @Test("a good config is applied; a bad one is not, and status is told where it is wrong; a prepare step can refuse")
    func reload() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("statusd-reload-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("statusd.yaml").path
        let target = FakeReloadable(configPath: path)
        let refuse = Mutex(false)
        let service = ReloadService(pipeline: target, logger: Logger(label: "test")) { _ in
            refuse.withLock { $0 } ? ConfigErrors(errors: [ConfigError(file: path, line: 1, column: 1, message: "sink url file unreadable")]) : nil
        }

        try good.write(toFile: path, atomically: true, encoding: .utf8)
        service.reload()
        #expect(target.applied.withLock { $0.map { $0.rules.map(\.name) } } == [["server-errors"]])
        #expect(target.failures.withLock { $0 }.isEmpty)

        try (good + "\n    rate_above: lots\n").write(toFile: path, atomically: true, encoding: .utf8)
        service.reload()
        #expect(target.applied.withLock { $0.count } == 1, "a bad config is not applied")
        let failure = try #require(target.failures.withLock { $0.last })
        #expect(failure.contains("statusd.yaml:"), "\(failure)")

        try good.write(toFile: path, atomically: true, encoding: .utf8)
        refuse.withLock { $0 = true }
        service.reload()
        #expect(target.applied.withLock { $0.count } == 1, "a refused prepare step rejects the reload")
        #expect(target.failures.withLock { $0.last }?.contains("sink url file unreadable") == true)
    }
}
