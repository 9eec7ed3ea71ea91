import StatusdCore

extension Pipeline {
    /// Applies a new config: unchanged inputs keep their files and counts, rules keep their states.
    package func apply(_ newConfig: StatusdConfig) {
        driver.withLock { $0.apply(newConfig) }
        wake.signal()
    }

    package func noteReloadFailure(_ message: String) {
        driver.withLock { d in
            d.lastReloadError = message
            d.selfHealth.reloadFailedAt = d.clock()
        }
    }
}

extension PipelineDriver {
    func apply(_ newConfig: StatusdConfig) {
            let now = clock()
            if newConfig.statusSocket != config.statusSocket {
                logger.warning("status.socket changed; the new path takes effect on restart")
            }
            var newConfig = newConfig
            if newConfig.stateDir != config.stateDir {
                logger.warning("state_dir changed; the new directory takes effect on restart")
                newConfig.stateDir = config.stateDir
            }
            perform(engine.reload(newConfig, routes: board.routes(config: newConfig)), now: now)
            configureSources(now: now)
            collect(now: now)
            // The windows as the new rules and inputs have them, with their offsets.
            saveSnapshot(now: now)
            configLoadedAt = now
            lastReloadError = nil
            selfHealth.reloadFailedAt = nil
    }
}
