import Foundation
import StatusdCore

extension StatusClient {
    /// The socket the daemon configured by `configPath` listens on: its `status.socket`, else the
    /// default. A config that cannot be read or loaded gives the default too: `statusd status`
    /// should still try to reach the daemon rather than fail on the config.
    ///
    /// Reads the file itself (not through the daemon's `ConfigFile`) so the client needs only the core.
    package static func socketPath(config configPath: String) -> String {
        guard let data = FileManager.default.contents(atPath: configPath),
              case .success(let config) = ConfigLoader.load(yaml: String(decoding: data, as: UTF8.self), file: configPath)
        else { return StatusdConfig().statusSocket }
        return config.statusSocket
    }
}
