import Logging
import ServiceLifecycle
import StatusdCore
import UnixSignals

/// `statusd run`: the pipeline, the status socket and reloads in one service group that stops
/// gracefully on SIGTERM or SIGINT.
public enum Daemon {
    public static func run(config: StatusdConfig, configPath: String, version: String) async throws {
        let logger = Logger(label: "statusd")
        let stateLock = try StateDirectoryLock(directory: config.stateDir)
        defer { withExtendedLifetime(stateLock) {} }
        var sinks: [any AlertSink] = []
        if Journal.isAvailable { sinks.append(JournalAlertSink()) }
        if !Journal.stderrIsJournal { sinks.append(StderrAlertSink()) }
        if !Journal.isAvailable { logger.warning("no journald socket; alerts go to stderr only") }
        let pipeline = Pipeline(config: config, configPath: configPath, sinks: sinks, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: PipelineService(pipeline: pipeline)),
                .init(service: StatusService(path: config.statusSocket, pipeline: pipeline, version: version, logger: logger)),
                .init(service: ReloadService(pipeline: pipeline, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
