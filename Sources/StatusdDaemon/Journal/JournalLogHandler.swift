import Logging
import CSystemd

/// A swift-log backend that writes the daemon's own log to journald, with metadata as fields.
package struct JournalLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    package let label: String

    package init(label: String) { self.label = label }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("MESSAGE", "\(event.message)"),
            ("PRIORITY", String(Self.priority(event.level))),
            ("SYSLOG_IDENTIFIER", "statusd"),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function),
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields.append(("STATUSD_" + Journal.fieldName(k), "\(v)"))
        }
        Journal.send(fields)
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}

/// Sets up the daemon's logging: journald when it is there, and stderr unless stderr already is
/// the journal (under systemd), so that nothing is logged twice and nothing is lost.
package enum DaemonLogging {
    package static func bootstrap(level: Logger.Level) {
        let useJournal = Journal.isAvailable
        let useStderr = !Journal.stderrIsJournal || !useJournal
        LoggingSystem.bootstrap { label in
            var handlers: [any LogHandler] = []
            if useJournal { handlers.append(JournalLogHandler(label: label)) }
            if useStderr { handlers.append(StreamLogHandler.standardError(label: label)) }
            // Secrets replaced and control characters escaped before any handler sees a message.
            var h = CleanLogHandler(MultiplexLogHandler(handlers))
            h.logLevel = level
            return h
        }
    }
}
