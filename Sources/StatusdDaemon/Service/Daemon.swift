import Logging
import ServiceLifecycle
import StatusdCore
import UnixSignals

/// `statusd run`: the pipeline, alert delivery, the status socket and reloads in one service group
/// that stops gracefully on SIGTERM or SIGINT.
public enum Daemon {
    public static func run(config: StatusdConfig, configPath: String, version: String) async throws {
        let logger = Logger(label: "statusd")
        let stateLock = try StateDirectoryLock(directory: config.stateDir)
        defer { withExtendedLifetime(stateLock) {} }
        // journald is always a sink: while it is down, alerts wait in the outbox.
        let sinks: [any AlertSink] = [JournalAlertSink()]
        if !Journal.isAvailable { logger.warning("no journald socket; alerts wait in the outbox until journald is back") }
        let board = SinkBoard(sinks: sinks)
        let doorbell = Doorbell()
        let pipeline = Pipeline(config: config, configPath: configPath, sinks: sinks, board: board, doorbell: doorbell,
                                echoToStderr: !Journal.stderrIsJournal, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: PipelineService(pipeline: pipeline)),
                .init(service: DeliveryService(pipeline: pipeline, sinks: sinks, board: board, doorbell: doorbell,
                                               logger: logger, maxBackoff: 5)),
                .init(service: StatusService(path: config.statusSocket, pipeline: pipeline, version: version, logger: logger)),
                .init(service: ReloadService(pipeline: pipeline, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
