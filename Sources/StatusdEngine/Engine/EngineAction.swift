import StatusdParse

/// What the engine asks the daemon to do after an event: the engine decides, the driver acts
/// (writes files, wakes the delivery service, logs), as `AlertState.step` and Hummingbird's
/// connection state machines do. Listed in the order they are to be done.
public enum EngineAction: Sendable, Equatable {
    /// A line for the daemon's log (journald with its fields, or stderr).
    case log(EngineLog)
    /// A notification was queued in the outbox: the daemon echoes it where someone watches
    /// (stderr of a daemon run by hand), as the sinks will deliver it.
    case queued(AlertTransition)
    /// What must survive a crash changed (the outbox, episodes, the health board, the decided
    /// keys): the small state file is to be written now, before anyone is told.
    case saveState
    /// The silences changed: `silences.json` is to be written now.
    case saveSilences
    /// Notifications are waiting: the delivery service is to look at the outbox.
    case wakeDelivery
    /// A sink was given up on for a notification (too old): its status says why.
    case sinkGaveUp(sink: String, error: String)
}

/// One log line the engine wants written: the daemon's logger adds its own fields.
public struct EngineLog: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case debug, info, notice, warning, error }

    public var level: Level
    public var message: String
    /// journald fields (`rule`, `alert_id`, ...), by name.
    public var metadata: [String: String]

    public init(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}

extension [EngineAction] {
    mutating func log(_ level: EngineLog.Level, _ message: String, _ metadata: [String: String] = [:]) {
        append(.log(EngineLog(level, message, metadata)))
    }
}
