import Foundation
import Logging
import ServiceLifecycle
import StatusdClient
import StatusdCore

/// Serves the status socket: `GET /status` (JSON), `GET /status?format=text`, `GET /healthz`, and
/// the silences (`GET /silences`, `POST /silences`, `DELETE /silences/ID`), and acknowledgements
/// (`POST /ack`).
package struct StatusService: Service {
    let server: StatusServer

    package init(path: String, maxConnections: Int, pipeline: any StatusSocketBackend, version: String, logger: Logger) {
        server = StatusServer(path: path, maxConnections: maxConnections, logger: logger) { method, target, body in
            Self.route(method: method, target: target, body: body, pipeline: pipeline, version: version)
        }
    }

    static func route(method: String, target: String, body: [UInt8] = [], pipeline: any StatusSocketBackend, version: String) -> StatusServer.Response {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let query = target.contains("?") ? String(target.split(separator: "?", maxSplits: 1)[1]) : ""
        if path == "/silences" || path.hasPrefix("/silences/") {
            return SilenceRoutes.route(method: method, path: path, body: body, pipeline: pipeline)
        }
        if path == "/ack" { return AckRoutes.route(method: method, body: body, pipeline: pipeline) }
        guard method == "GET" || method == "HEAD" else {
            return .init(status: 405, contentType: "text/plain", body: Array("only GET\n".utf8))
        }
        switch path {
        case "/", "/status":
            defer { Malloc.trim() }
            let report = pipeline.report(version: version)
            if query.contains("format=text") {
                return .init(status: 200, contentType: "text/plain; charset=utf-8", body: Array(report.renderText().utf8))
            }
            return .init(status: 200, contentType: "application/json", body: StatusJSON.encode(report))
        case "/healthz":
            return .init(status: 200, contentType: "text/plain", body: Array("ok\n".utf8))
        default:
            return .init(status: 404, contentType: "text/plain", body: Array("not found; try /status\n".utf8))
        }
    }

    package func run() async throws {
        try await server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}
