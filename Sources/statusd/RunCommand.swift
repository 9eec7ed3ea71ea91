import ArgumentParser
import Logging
import StatusdCore
import StatusdFiles
import StatusdDaemon

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon (as a systemd service, Type=notify).")

    @Option(name: .shortAndLong, help: "The config file.")
    var config: String = StatusdConfig.defaultPath

    func run() async throws {
        let loaded: StatusdConfig
        switch ConfigFile.load(config) {
        case .success(let c): loaded = c
        case .failure(let errors):
            for e in errors.errors { StandardError.write(SafeText.field(e.description) + "\n") }
            StandardError.write("statusd: \(errors.errors.count) error(s) in \(config); not starting\n")
            throw ExitCode(1)
        }
        DaemonLogging.bootstrap(level: Logger.Level(rawValue: loaded.logLevel) ?? .info)
        do {
            try await Daemon.run(config: loaded, configPath: config, version: Statusd.version)
        } catch {
            StandardError.write("statusd: \(Redaction.clean("\(error)"))\n")
            throw ExitCode(1)
        }
    }
}
