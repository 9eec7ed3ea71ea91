import Logging
import ServiceLifecycle
import StatusdCore
import StatusdFiles
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// Reloads the config on SIGHUP. A bad config is logged with its file:line:column and the old
/// config keeps running.
package struct ReloadService: Service {
    let pipeline: any Reloadable
    let logger: Logger
    /// Applies what the pipeline does not own (the sinks) before the pipeline takes the config;
    /// errors reject the reload.
    let prepare: (@Sendable (StatusdConfig) -> ConfigErrors?)?

    package init(pipeline: any Reloadable, logger: Logger, prepare: (@Sendable (StatusdConfig) -> ConfigErrors?)? = nil) {
        self.pipeline = pipeline
        self.logger = logger
        self.prepare = prepare
    }

    package func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                reload()
            }
        }
    }

    func reload() {
        let notifier = SystemdNotifier()
        notifier.reloading()
        defer { notifier.ready() }
        var loaded = ConfigFile.load(pipeline.configPath)
        if case .success(let config) = loaded, let errors = prepare?(config) { loaded = .failure(errors) }
        switch loaded {
        case .success(let config):
            pipeline.apply(config)
            logger.notice("config reloaded", metadata: ["config": "\(pipeline.configPath)"])
            for w in config.warnings { logger.warning("config: \(w)") }
        case .failure(let errors):
            for e in errors.errors { logger.error("reload rejected: \(e)") }
            logger.error("reload failed; the previous config keeps running")
            // Status shows it to anyone who can read the socket: no secret, no raw control character.
            pipeline.noteReloadFailure(Redaction.clean(errors.errors.first.map(\.description) ?? "invalid config"))
        }
    }
}
