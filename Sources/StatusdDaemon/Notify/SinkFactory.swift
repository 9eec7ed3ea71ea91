import AsyncHTTPClient
import Foundation
import NIOCore
import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Turns `sinks:` into sink objects: reads `url_file` / `secret_file`, looks up `url_env` /
/// `secret_env`, checks what they hold, and builds the HTTP sinks on one shared client.
/// Errors point at the config line and never quote a URL or a secret.
package enum SinkFactory {
    /// A sink's URL and secret, resolved (`SinkSecrets`, in StatusdFiles: `statusd check` resolves
    /// them without the daemon).
    package typealias Resolved = SinkSecrets.Resolved

    /// Resolves every sink, collecting every problem.
    package static func resolve(_ sinks: [SinkConfig], environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Result<[Resolved], ConfigErrors> {
        SinkSecrets.resolve(sinks, environment: environment)
    }

    /// The shared client: system CA store, redirects not followed, connect and read timeouts.
    package static func makeClient() -> HTTPClient {
        var c = HTTPClient.Configuration()
        c.redirectConfiguration = .disallow
        c.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(5), read: .seconds(10))
        c.decompression = .disabled
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30))
        // A refused connection fails the attempt at once: the outbox's backoff retries it, and
        // status shows the failure instead of a request hanging until its deadline.
        pool.retryConnectionEstablishment = false
        c.connectionPool = pool
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    }

    /// The HTTP sinks for resolved configs: one per sink, and one per URL of an Alertmanager sink
    /// (each member of a cluster gets every notification, on its own).
    package static func make(_ resolved: [Resolved], client: HTTPClient, version: String, host: String = hostName()) -> [any AlertSink] {
        resolved.flatMap { r -> [any AlertSink] in
            if r.config.type == .email {
                return [EmailSink(config: r.config, password: r.credential, host: host, version: version)]
            }
            if r.config.type.isService {
                return [ServiceHTTPSink(config: r.config, url: r.url, credential: r.credential, host: host, client: client, version: version)]
            }
            guard r.config.type == .alertmanager else {
                return [HTTPAlertSink(config: r.config, url: r.url, secret: r.secret, host: host, client: client, version: version)]
            }
            let urls = r.urls.isEmpty ? [r.url] : r.urls
            return urls.enumerated().compactMap { i, url -> (any AlertSink)? in
                AlertmanagerSink(config: r.config, url: url, target: urls.count > 1 ? "\(r.config.name)[\(i + 1)]" : r.config.name,
                                 host: host, client: client, version: version)
            }
        }
    }

    /// This machine's name, as messages show it.
    package static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "unknown-host" }
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
