import Logging
import ServiceLifecycle
import StatusdCore

/// The Prometheus listener (`metrics: {listen: ...}`): `GET /metrics` in the text exposition
/// format, taken from the daemon's status report at scrape time. Off unless configured.
package struct MetricsService: Service {
    let server: HTTPServer
    let logger: Logger

    package init(config: MetricsConfig, access: MetricsAccess = MetricsAccess(), pipeline: any StatusSource, version: String, logger: Logger) {
        self.logger = logger
        let export = PrometheusExport()
        server = HTTPServer(address: .tcp(host: config.host, port: config.port),
                            limits: HTTPServerLimits(maxConnections: config.maxConnections, maxBodyBytes: 0)) { request in
            // `allow` first (403), then the credentials (401 with a challenge), before any route.
            switch access.decide(remote: request.remoteAddress, authorization: request.authorization) {
            case .allowed:
                return Self.route(request, export: export, pipeline: pipeline, version: version)
            case .forbidden:
                return .text(403, "forbidden: this address is not in metrics.allow\n")
            case .unauthorized(let challenge):
                var r = HTTPResponse.text(401, "unauthorized\n")
                r.headers = [("WWW-Authenticate", challenge)]
                return r
            }
        }
    }

    static func route(_ request: HTTPRequest, export: PrometheusExport, pipeline: any StatusSource, version: String) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else { return .text(405, "only GET\n") }
        let path = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.target
        switch path {
        case "/metrics":
            defer { Malloc.trim() }
            let body = export.render(pipeline.report(version: version).metricSamples())
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: body)
        case "/", "/healthz":
            return .text(200, "statusd metrics: GET /metrics\n")
        default:
            return .text(404, "not found; try /metrics\n")
        }
    }

    package func run() async throws {
        do {
            try await server.start()
        } catch {
            throw MetricsListenFailure(listen: server.address.description, error: error)
        }
        logger.info("metrics listening", metadata: ["listen": "\(server.address)"])
        try? await gracefulShutdown()
        await server.stop()
    }
}

/// The metrics listener could not bind (a port in use, an address not on this host).
struct MetricsListenFailure: Error, CustomStringConvertible {
    let listen: String
    let error: any Error
    var description: String { "metrics.listen \(listen): \(error)" }
}
