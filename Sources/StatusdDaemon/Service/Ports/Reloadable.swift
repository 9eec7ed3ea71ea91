import StatusdCore

/// What a reload (SIGHUP, `ReloadService`) needs: where the config is, a checked config to take
/// over, and a rejected one to show in status.
package protocol Reloadable: Sendable {
    var configPath: String { get }
    /// Takes over `config` (already checked and its sinks prepared).
    func apply(_ config: StatusdConfig)
    /// A reload was rejected: status shows `message` (cleaned: no secret, no control character).
    func noteReloadFailure(_ message: String)
}
