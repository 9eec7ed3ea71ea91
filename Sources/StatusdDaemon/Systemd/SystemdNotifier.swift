import CSystemd

/// Tells systemd how the service is doing (`Type=notify`): READY, RELOADING, STOPPING, STATUS and
/// watchdog pings. Every call is a no-op when not run by systemd (`NOTIFY_SOCKET` unset).
public struct SystemdNotifier: Sendable {
    public init() {}

    public func ready(status: String? = nil) { send("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? "")) }
    public func reloading() { send("RELOADING=1") }
    public func stopping() { send("STOPPING=1") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func watchdog() { send("WATCHDOG=1") }

    /// Half the `WatchdogSec` interval in seconds, when the watchdog is on for this process.
    public var watchdogPingInterval: Double? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Double(usec) / 2_000_000
    }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
