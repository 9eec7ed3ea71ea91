/// Per-input parser settings.
public struct FormatOptions: Sendable, Equatable {
    /// JSON: status keys, first present wins (dotted paths for nested objects).
    public var statusKeys: [String]?
    /// JSON: time keys, first present wins.
    public var timeKeys: [String]?
    /// regex: the pattern.
    public var pattern: String?
    /// A syslog or container prefix to remove for formats that count fields.
    public var prefix: LinePrefix = .auto
    /// nginx, apache, haproxy: the server's own format string, compiled (`log_format`).
    public var template: FormatTemplate?
    /// A container runtime's envelope around each line (`wrapper:`): taken off before the format reads the line.
    public var wrapper: ContainerWrapper = .none

    public init(statusKeys: [String]? = nil, timeKeys: [String]? = nil, pattern: String? = nil, prefix: LinePrefix = .auto) {
        self.statusKeys = statusKeys
        self.timeKeys = timeKeys
        self.pattern = pattern
        self.prefix = prefix
    }
}
