import AsyncHTTPClient
import Logging
import ServiceLifecycle
import StatusdCore
import StatusdFiles
import UnixSignals

/// `statusd run`: the pipeline, alert delivery, the status socket, the metrics listener and reloads in one service group
/// that stops gracefully on SIGTERM or SIGINT.
package enum Daemon {
    package static func run(config: StatusdConfig, configPath: String, version: String) async throws {
        let logger = Logger(label: "statusd")
        let stateLock = try StateDirectoryLock(directory: config.stateDir)
        // Room for the servers' connections besides the logs (soft limit up to the hard one).
        DescriptorLimit.raise()
        Malloc.limitArenas()
        defer { withExtendedLifetime(stateLock) {} }
        // Chat and webhook sinks: a URL or secret that cannot be read refuses the start.
        let resolved = try SinkFactory.resolve(config.sinks).get()
        let metricsAccess = try config.metrics.map { try MetricsAccessFactory.resolve($0).get() }
        Redaction.add(config: config, resolved: resolved, metricsCredential: metricsAccess?.credential)
        for w in config.warnings { logger.warning("config: \(w)") }
        let client = SinkFactory.makeClient()
        let host = config.host ?? SinkFactory.hostName()
        // journald is always a sink: while it is down, alerts wait in the outbox.
        let sinks: [any AlertSink] = [JournalAlertSink()] + SinkFactory.make(resolved, client: client, version: version, host: host)
        if !Journal.isAvailable { logger.warning("no journald socket; alerts wait in the outbox until journald is back") }
        for s in resolved {
            logger.info("sink \(s.config.name) (\(s.config.type.rawValue)) posts to \(s.display)", metadata: ["sink": "\(s.config.name)"])
        }
        let board = SinkBoard(sinks: sinks)
        let doorbell = Doorbell()
        let pipeline = Pipeline(config: config, configPath: configPath, board: board, doorbell: doorbell,
                                echoToStderr: !Journal.stderrIsJournal, logger: logger)
        // A reload builds the new sinks first: a URL file that cannot be read rejects the reload.
        let reloadSinks: @Sendable (StatusdConfig) -> ConfigErrors? = { newConfig in
            switch SinkFactory.resolve(newConfig.sinks) {
            case .failure(let errors): return errors
            case .success(let resolved):
                Redaction.add(config: newConfig, resolved: resolved)
                let sinks: [any AlertSink] = [JournalAlertSink()]
                    + SinkFactory.make(resolved, client: client, version: version, host: newConfig.host ?? SinkFactory.hostName())
                board.reconfigure(sinks: sinks)
                pipeline.sinksChanged()
                doorbell.ring()
                return nil
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: PipelineService(pipeline: pipeline)),
            .init(service: DeliveryService(pipeline: pipeline, board: board, doorbell: doorbell, logger: logger, maxBackoff: 30)),
            .init(service: StatusService(path: config.statusSocket, maxConnections: config.statusMaxConnections,
                                         pipeline: pipeline, version: version, logger: logger)),
            .init(service: ReloadService(pipeline: pipeline, logger: logger, prepare: reloadSinks)),
        ]
        // The Prometheus listener, when `metrics:` is configured (a change takes effect on restart).
        if let metrics = config.metrics {
            services.append(.init(service: MetricsService(config: metrics, access: metricsAccess?.access ?? MetricsAccess(), pipeline: pipeline, version: version, logger: logger)))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
