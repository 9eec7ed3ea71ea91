import ArgumentParser
import StatusdCore
import StatusdDaemon
#if canImport(Glibc)
import Glibc
#endif

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a config: exit 0, or print every error as FILE:LINE:COLUMN: message and exit 1.",
        discussion: "Sinks are checked too: url_file and secret_file must be readable, url_env and secret_env set (a warning "
            + "when only the environment is missing: the service may set it). URLs and secrets are never printed.")

    @Option(name: .shortAndLong, help: "The config file.")
    var config: String = StatusdConfig.defaultPath

    func run() throws {
        switch ConfigFile.load(config) {
        case .success(let c):
            var errors: [ConfigError] = []
            var warnings: [String] = []
            if case .failure(let e) = SinkFactory.resolve(c.sinks) {
                // A variable missing from this shell may well be set in the service's environment.
                for err in e.errors {
                    if err.message.contains("environment variable") && err.message.contains("is not set") {
                        warnings.append("\(err) (set it in the service's environment)")
                    } else {
                        errors.append(err)
                    }
                }
            }
            if c.sinks.contains(where: \.hasInlineSecret), let mode = Self.mode(config), mode & 0o077 != 0 {
                warnings.append("\(config): holds a webhook URL or secret inline but can be read by others (mode \(String(mode & 0o777, radix: 8))); "
                    + "chmod 600 it, or use url_file / url_env / secret_file / secret_env")
            }
            for s in c.sinks {
                if let url = SinkURL(Self.inlineURL(s) ?? ""), url.scheme == "http", !url.isLoopback {
                    warnings.append("\(s.urlPlace.file):\(s.urlPlace.line):\(s.urlPlace.column): sink `\(s.name)` posts over plain http to \(url.host): its URL and the alerts travel unencrypted")
                }
            }
            for w in warnings { print("warning: \(w)") }
            if !errors.isEmpty {
                print(ConfigErrors(errors: errors).description)
                throw ExitCode(1)
            }
            var line = "\(config): ok, \(c.inputs.count) inputs, \(c.rules.count) rules"
            if !c.sinks.isEmpty {
                line += ", \(c.sinks.count) sinks (" + c.sinks.map { "\($0.name): \($0.type.rawValue)" }.joined(separator: ", ") + ")"
                for r in c.rules {
                    let to = c.sinks.filter { s in (r.sinks.map { $0.contains(s.name) } ?? true) && s.takes(r.severity) }.map(\.name)
                    line += "\n  rule \(r.name) [\(r.severity.rawValue)] → journald" + (to.isEmpty ? "" : ", " + to.joined(separator: ", "))
                }
            }
            print(line)
        case .failure(let errors):
            print(errors.description)
            throw ExitCode(1)
        }
    }

    static func inlineURL(_ s: SinkConfig) -> String? {
        if case .inline(let u) = s.url { return u }
        return nil
    }

    static func mode(_ path: String) -> UInt32? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt32(st.st_mode)
    }
}
