import StatusdParse
/// The daemon's configuration, as read from YAML and checked.
public struct StatusdConfig: Sendable, Equatable {
    public var inputs: [InputConfig] = []
    public var rules: [Rule] = []
    /// Chat and webhook sinks (journald gets every alert besides).
    public var sinks: [SinkConfig] = []
    /// The status socket (HTTP + JSON on a Unix socket).
    public var statusSocket: String = "/run/statusd/statusd.sock"
    /// Connections the status socket serves at once (`status.max_connections`): far more than
    /// operators and checks need, few enough to bound the descriptors a local client can hold.
    public var statusMaxConnections: Int = 1024
    /// The Prometheus listener (`metrics:`); nil, the default, serves no metrics.
    public var metrics: MetricsConfig?
    /// Where checkpoints live.
    public var stateDir: String = "/var/lib/statusd"
    /// The daemon's own log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// The name alerts give this machine (`host:`); nil: the system's host name.
    public var host: String?
    /// Problems that do not stop this config from working (`check` prints them, the daemon logs them).
    public var warnings: [ConfigError] = []
    /// When statusd's own degradations page (`health:`).
    public var health = HealthConfig()
    /// Recurring windows whose alerts are not sent (`maintenance:`).
    public var maintenance: [MaintenanceWindow] = []

    public init() {}

    public static let defaultPath = "/etc/statusd/statusd.yaml"
}

/// Where `start_at` puts the reader in a file that exists when statusd first sees it.
public enum StartPosition: String, Sendable, Codable, CaseIterable {
    case end, beginning
}

/// Which time a line is counted at.
public enum TimeSource: String, Sendable, Codable, CaseIterable {
    /// The time the line states (default): restarts and replays give the same windows.
    case event
    /// The time statusd read the line.
    case arrival
}

/// One log source: a path or glob, its format and how to read it.
public struct InputConfig: Sendable, Equatable {
    public var name: String
    /// Paths or globs (`/var/log/nginx/*access.log`).
    public var paths: [String]
    public var format: LogFormat = .combined
    /// JSON keys and the regex pattern.
    public var formatOptions = FormatOptions()
    public var startAt: StartPosition = .end
    public var time: TimeSource = .event
    /// Lines whose event time is further than this from the clock are counted at arrival time
    /// (and as out of range in status), so a bad clock or an old file cannot hide a live outage.
    public var maxSkewSeconds: Int64 = 300
    /// Lines up to this much older than the newest seen still land in their own second; older
    /// ones are counted as too late (shown in status), never dropped silently.
    public var maxLatenessSeconds: Int64 = 60
    /// A syslog or container prefix before each line.
    public var prefix: LinePrefix = .auto
    /// Longer lines keep their first this many bytes (where the status is) and are counted.
    public var maxLineBytes: Int = 64 * 1024
    /// Poll the files every second instead of relying on inotify (NFS and other network mounts).
    public var poll: Bool = false
    /// A file read to its end that has not grown for this long is closed (`close_inactive`), and
    /// reopened by device, inode and fingerprint when it grows: thousands of files are followed
    /// with a small descriptor budget. A file's offset is kept while it is closed.
    public var closeInactiveSeconds: Int64 = 300
    /// `journal:`: the input reads these journald entries instead of files (`paths` is empty).
    public var journal: JournalSelection?
    /// `syslog:`: the input reads datagrams statusd's syslog listener receives (`paths` is empty).
    public var syslog: SyslogSelection?
    /// `kubernetes:`: the input reads the matching pods' container logs; `paths` holds the glob
    /// the kubelet's directory is listed with (`KubernetesSelection.pathGlob`).
    public var kubernetes: KubernetesSelection?

    /// `file`, `journal`, `syslog` or `kubernetes`: where the input's lines come from (status).
    public var sourceKind: String {
        kubernetes != nil ? "kubernetes" : journal != nil ? "journal" : syslog != nil ? "syslog" : "file"
    }

    public init(name: String, paths: [String], format: LogFormat = .combined) {
        self.name = name
        self.paths = paths
        self.format = format
    }
}
