import StatusdParse

/// The daemon's decisions without its I/O: the monitor (counts, windows, rules, alert states),
/// alert gating (decided keys, inhibition, silences, maintenance windows, escalation and
/// acknowledgements), the outbox, statusd's own health board and the recent transitions.
///
/// Each event (lines counted, a second passed, a sink acknowledged, a reload, a silence added or
/// an acknowledgement) is a mutating call that returns the `EngineAction`s to take; the daemon's
/// driver (`Pipeline`) performs them. Time comes in as arguments, nothing is read or written
/// here, so every decision is tested in process with plain values.
public struct AlertEngine: Sendable {
    /// Counts, windows, rules and alert states.
    public var monitor: Monitor
    /// Notifications not yet delivered to every sink, with episodes and standing alerts.
    public var outbox = Outbox()
    /// statusd's own degradations and the self-alerts sent for them.
    public var health = HealthBoard()
    /// Silences in force or scheduled (`statusd silence`), and the episodes they keep quiet.
    public var silences = SilenceList()
    /// Keys of the notifying transitions decided since the last snapshot, with their event
    /// seconds: a crash re-reads the logs from the snapshot's offsets, and a transition whose key
    /// is here is not queued again.
    public var decided: [String: Int64] = [:]
    /// The latest transitions, for status (oldest first, at most `recentLimit`).
    public private(set) var recent: [AlertTransition] = []
    /// The running config (rules, maintenance, health, escalation).
    public private(set) var config: StatusdConfig
    /// Where notifications go (the daemon's sinks with the config's routes).
    public private(set) var routes: SinkRoutes
    /// The config's maintenance windows.
    public private(set) var schedule: MaintenanceSchedule

    public static let recentLimit = 100
    /// Bound on `decided`: the oldest keys go first.
    public static let decidedLimit = 20_000
    /// Notifications older than this are given up on and reported.
    public static let maxAgeSeconds: Int64 = 86_400

    public init(config: StatusdConfig, routes: SinkRoutes, clock: Monitor.Clock = .live) {
        self.config = config
        self.routes = routes
        self.schedule = MaintenanceSchedule(config.maintenance)
        self.monitor = Monitor(inputs: config.inputs, rules: config.rules, clock: clock)
    }

    /// The sinks' names, as routing knows them.
    public var sinkNames: [String] { routes.sinks.map(\.name) }

    mutating func remember(_ t: AlertTransition) {
        recent.append(t)
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }

    /// Takes over a new config (already checked) and the routes over the sinks made for it:
    /// inputs and rules keep their counts and states where unchanged; notifications wait only
    /// for sinks that still exist.
    public mutating func reload(_ newConfig: StatusdConfig, routes newRoutes: SinkRoutes) -> [EngineAction] {
        config = newConfig
        schedule = MaintenanceSchedule(newConfig.maintenance)
        monitor.reconfigure(inputs: newConfig.inputs, rules: newConfig.rules)
        return reroute(newRoutes)
    }

    /// The sinks changed (a reload made new ones): notifications wait only for those that exist.
    public mutating func reroute(_ newRoutes: SinkRoutes) -> [EngineAction] {
        routes = newRoutes
        let before = outbox
        outbox.retain(sinks: Set(sinkNames))
        return outbox == before ? [] : [.saveState]
    }
}
