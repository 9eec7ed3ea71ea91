import CSystemd

/// Tells systemd how the service is doing (`Type=notify`): READY, RELOADING, STOPPING, STATUS and
/// watchdog pings. Every call is a no-op when not run by systemd (`NOTIFY_SOCKET` unset).
package struct SystemdNotifier: Sendable {
    package init() {}

    package func ready(status: String? = nil) { send("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? "")) }
    package func reloading() { send("RELOADING=1") }
    package func stopping() { send("STOPPING=1") }
    package func status(_ text: String) { send("STATUS=\(text)") }
    package func watchdog() { send("WATCHDOG=1") }

    /// Half the `WatchdogSec` interval in seconds, when the watchdog is on for this process.
    package var watchdogPingInterval: Double? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return Double(usec) / 2_000_000
    }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
