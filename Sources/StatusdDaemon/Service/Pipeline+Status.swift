import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

extension Pipeline {
    /// What `statusd status` shows: inputs and their files, rules at the last evaluated second,
    /// sinks and their queues, and the latest transitions.
    package func report(version: String) -> StatusReport {
        driver.withLock { $0.report(version: version) }
    }
}

extension PipelineDriver {
    func report(version: String) -> StatusReport {
        do {
            let now = clock()
            var inputs: [InputReport] = []
            for input in config.inputs {
                let t = engine.monitor.tally(of: input.name) ?? InputTally(windowSeconds: 1)
                inputs.append(InputReport(
                    name: input.name, format: input.format.rawValue, paths: input.paths,
                    files: sources.flatMap { $0.reports(for: input.name) }, totals: t.totals,
                    linesPerSecond: lineRates[input.name]?.perSecond ?? 0, tooLate: t.tooLate, outOfRange: t.outOfRange))
                inputs[inputs.count - 1].source = input.sourceKind
                inputs[inputs.count - 1].kubernetes = input.kubernetes?.description
                if input.formatOptions.wrapper != .none { inputs[inputs.count - 1].wrapper = input.formatOptions.wrapper.rawValue }
                let waiting = tailer.waitingFiles(for: input.name)
                inputs[inputs.count - 1].waitingFiles = waiting.count
                inputs[inputs.count - 1].waiting = Array(waiting.prefix(WaitingFileReport.listed))
            }
            let names = engine.monitor.inputs.map(\.name)
            let silences = engine.silences.active(at: now)
            var rules = engine.monitor.rules.map { r in
                RuleReport(r, inputNames: names) { rule, group in silences.contains { $0.covers(rule: rule, group: group, at: now) } }
            }
            annotate(&rules, now: now)
            let scheduled = engine.silences.pending(at: now).filter { !$0.isActive(at: now) }
            var report = StatusReport(
                version: version, pid: getpid(), startedAt: CivilTime.iso8601(startedAt), uptimeSeconds: Pipeline.monotonicSeconds() - startedMonotonic,
                config: configPath, configLoadedAt: CivilTime.iso8601(configLoadedAt), lastReloadError: lastReloadError,
                inputs: inputs, rules: rules, sinks: board.reports(outbox: engine.outbox), transitions: engine.recent.map(TransitionReport.init),
                silences: (silences + scheduled).map(SilenceReport.init), health: healthReport(now: now))
            if engine.monitor.clockReport.steps > 0 { report.clock = engine.monitor.clockReport }
            if !config.maintenance.isEmpty { report.maintenance = config.maintenance.map { MaintenanceReport($0, now: now) } }
            return report
        }
    }
}
