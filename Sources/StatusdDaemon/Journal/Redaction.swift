import Logging
import StatusdCore
import Synchronization

/// The process's one redactor: every secret the daemon has read (from the config, from files and
/// variables), kept for its lifetime (a secret replaced by a reload may still be in a late
/// error). The log handler, the status report's errors and `check` pass their text through it.
package enum Redaction {
    private static let redactor = Mutex(SecretRedactor())

    /// Adds secrets; the old ones stay.
    package static func add(_ values: [String]) {
        redactor.withLock { $0.add(values) }
    }

    /// `text` with every known secret replaced.
    package static func redact(_ text: String) -> String {
        redactor.withLock { $0 }.redact(text)
    }

    /// Text that leaves the process: secrets replaced, control and bidi characters escaped.
    package static func clean(_ text: String) -> String { SafeText.field(redact(text)) }

    /// The secrets of a config and of its resolved sinks.
    package static func add(config: StatusdConfig, resolved: [SinkFactory.Resolved], metricsCredential: String? = nil) {
        var values = config.inlineSecrets
        for r in resolved {
            // A service's public endpoint (and email's server address) is no secret.
            if !r.config.service.defaultURL {
                values.append(r.url.secretValue)
                values += r.urls.map(\.secretValue)
            }
            if let s = r.secret { values.append(s) }
            if let c = r.credential { values.append(c) }
        }
        if let metricsCredential { values.append(metricsCredential) }
        add(values)
    }
}

/// Wraps the daemon's log handlers: every message and metadata value is redacted and made
/// terminal-safe before journald or stderr sees it (a newline in a value cannot forge a log line).
package struct CleanLogHandler: LogHandler {
    var inner: any LogHandler

    package init(_ inner: any LogHandler) { self.inner = inner }

    package var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    package var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    package func log(event: LogEvent) {
        var e = event
        e.message = Logger.Message(stringLiteral: Redaction.clean("\(event.message)"))
        e.metadata = event.metadata.map { $0.mapValues { .string(Redaction.clean("\($0)")) } }
        inner.log(event: e)
    }
}
