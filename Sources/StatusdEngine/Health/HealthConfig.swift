/// The `health:` section: when statusd's own degradations page.
public struct HealthConfig: Sendable, Equatable {
    /// A degradation that lasts this long is sent as an alert through every sink that still
    /// works, and resolved when it ends (`health.alert_after`, default 5m).
    public var alertAfterSeconds: Int64 = 300
    /// One-off events (a state file found corrupt, notifications given up) stay listed this long
    /// (`health.events_for`, default 1h), so a check run every few minutes sees them.
    public var eventsForSeconds: Int64 = 3600

    public init(alertAfterSeconds: Int64 = 300, eventsForSeconds: Int64 = 3600) {
        self.alertAfterSeconds = alertAfterSeconds
        self.eventsForSeconds = eventsForSeconds
    }
}
