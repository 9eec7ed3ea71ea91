import Foundation
import StatusdConfig
import StatusdEngine
import StatusdRender
#if canImport(Glibc)
import Glibc
#endif

/// A sink's `url_file` / `secret_file` read and `url_env` / `secret_env` looked up, and what they
/// hold checked: for the daemon (`SinkFactory` builds the sinks from these) and for `statusd check`,
/// which does not link the daemon. Errors point at the config line and never quote a URL or a secret.
package enum SinkSecrets {
    /// A sink's URL and secret, resolved.
    package struct Resolved: Sendable {
        package var config: SinkConfig
        package var url: SinkURL
        package var secret: String?
        /// Every URL (`url` first): an Alertmanager cluster's members.
        package var urls: [SinkURL] = []
        /// Where it sends, as statusd may show it: the URL's scheme and host, or a mail server.
        package var display: String {
            guard config.type == .email else { return url.display }
            let s = config.service
            let host = (s.smtpHost ?? "?").contains(":") ? "[\(s.smtpHost ?? "")]" : (s.smtpHost ?? "?")
            return "smtp://\(host):\(s.smtpPort) (\(s.tls.rawValue))"
        }
        /// A paging, push or mail sink's credential (`routing_key`, `api_key`, `token`, `password`).
        package var credential: String?
    }

    /// Resolves every sink, collecting every problem.
    package static func resolve(_ sinks: [SinkConfig], environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Result<[Resolved], ConfigErrors> {
        var out: [Resolved] = []
        var errors: [ConfigError] = []
        for sink in sinks {
            var urls: [SinkURL] = []
            var urlsOK = true
            for source in sink.allURLs {
                switch value(source, environment) {
                case .failure(let why):
                    errors.append(sink.urlPlace.error("sink `\(sink.name)`: the URL's \(why)"))
                    urlsOK = false
                case .success(let text):
                    // An Alertmanager cluster's file or variable may list several URLs.
                    let texts = sink.type == .alertmanager && !source.isInline
                        ? text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "\t" }).map(String.init) : [text]
                    for t in texts {
                        if let u = SinkURL(t) { urls.append(u) } else {
                            errors.append(sink.urlPlace.error("sink `\(sink.name)`: the \(source.origin) does not hold an http:// or https:// URL with a host (its content is not shown)"))
                            urlsOK = false
                        }
                    }
                }
            }
            let url = urlsOK ? urls.first : nil
            var secret: String?
            if let source = sink.secret {
                switch value(source, environment) {
                case .failure(let why):
                    errors.append((sink.secretPlace ?? sink.place).error("sink `\(sink.name)`: the secret's \(why)"))
                case .success(let text):
                    if let problem = ConfigLoader.secretProblem(text) {
                        errors.append((sink.secretPlace ?? sink.place).error("sink `\(sink.name)`, \(source.origin): \(problem)"))
                    } else {
                        secret = text
                    }
                }
            }
            var credential: String?
            if let source = sink.service.credential, let key = sink.type.credentialKey {
                let place = sink.service.credentialPlace ?? sink.place
                switch value(source, environment) {
                case .failure(let why):
                    errors.append(place.error("sink `\(sink.name)`: the `\(key)`'s \(why)"))
                case .success(let text):
                    if let problem = ServiceSinkCheck.credentialProblem(text, key: key) {
                        errors.append(place.error("sink `\(sink.name)`, \(source.origin): \(problem)"))
                    } else if sink.type == .telegram, !text.utf8.allSatisfy({ $0 == 0x3A || $0 == 0x2D || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39)
                        || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) {
                        errors.append(place.error("sink `\(sink.name)`, \(source.origin): a Telegram bot token is digits, `:` and letters (the value is not shown)"))
                    } else {
                        credential = text
                    }
                }
            }
            if sink.type == .ntfy, let u = url, NtfyMessage.split(u.secretValue) == nil {
                errors.append(sink.urlPlace.error("sink `\(sink.name)`: the URL must be a topic's, ending in its name (letters, digits, `-`, `_`, at most 64), such as https://ntfy.sh/my-alerts"))
            }
            if let url { out.append(Resolved(config: sink, url: url, secret: secret, urls: urls, credential: credential)) }
        }
        return errors.isEmpty ? .success(out) : .failure(ConfigErrors(errors: errors))
    }

    package static func value(_ source: SinkConfig.Source, _ environment: [String: String]) -> Result<String, Why> {
        switch source {
        case .inline(let s):
            return .success(s)
        case .env(let name):
            guard let v = environment[name], !v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return .failure(Why("environment variable \(name) is not set"))
            }
            return .success(v.trimmingCharacters(in: .whitespacesAndNewlines))
        case .file(let path):
            guard let bytes = FileBytes.read(path, limit: 64 * 1024) else {
                return .failure(Why("file \(path) cannot be read: \(String(cString: strerror(errno)))"))
            }
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return .failure(Why("file \(path) is empty")) }
            return .success(text)
        }
    }

    package struct Why: Error, CustomStringConvertible {
        package var description: String
        init(_ d: String) { description = d }
    }

}
