import StatusdConfig
import StatusdEngine
#if canImport(Glibc)
import Glibc
#endif

/// Reads and checks a config file.
package enum ConfigFile {
    package static func load(_ path: String) -> Result<StatusdConfig, ConfigErrors> {
        guard let data = FileBytes.read(path) else {
            return .failure(ConfigErrors(errors: [ConfigError(file: path, line: 1, column: 1, message: "cannot read the config file: \(String(cString: strerror(errno)))")]))
        }
        return ConfigLoader.load(yaml: String(decoding: data, as: UTF8.self), file: path, zones: ZoneFiles.read)
    }
}
