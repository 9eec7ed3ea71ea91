/// How bad an alert is. Maps to journald priorities and to `statusd status` exit codes.
public enum Severity: String, Sendable, Codable, CaseIterable {
    case critical, warning

    /// syslog priority: 2 (crit) or 4 (warning).
    public var priority: Int { self == .critical ? 2 : 4 }
}
