import Foundation
import StatusdEngine
import StatusdRender

/// Reads the metrics listener's password or token (`password_env` / `password_file`,
/// `bearer_token_env` / `bearer_token_file`) as sinks read theirs: errors point at the config
/// line and never quote the value.
package enum MetricsAccessFactory {
    package struct Resolved: Sendable {
        package var access: MetricsAccess
        /// The password or token, for the redactor.
        package var credential: String?
    }

    package static func resolve(_ config: MetricsConfig, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Result<Resolved, ConfigErrors> {
        guard let source = config.credential else { return .success(Resolved(access: MetricsAccess(allow: config.allow))) }
        let at = config.secretPlace ?? config.listenPlace ?? ConfigPlace(file: "-", line: 1, column: 1)
        let what = config.basicAuth != nil ? "basic_auth password" : "bearer token"
        switch SinkSecrets.value(source, environment) {
        case .failure(let why):
            return .failure(ConfigErrors(errors: [at.error("metrics: the \(what)'s \(why)")]))
        case .success(let value):
            if let basic = config.basicAuth {
                return .success(Resolved(access: MetricsAccess(allow: config.allow, basic: (basic.username, value)), credential: value))
            }
            return .success(Resolved(access: MetricsAccess(allow: config.allow, bearer: value), credential: value))
        }
    }
}
