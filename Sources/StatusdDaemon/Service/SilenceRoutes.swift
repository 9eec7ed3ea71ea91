import StatusdClient
import StatusdCore

/// The silences on the status socket, for `statusd silence`: `GET /silences` lists those in force,
/// `POST /silences` (a `SilenceRequest` as JSON) adds one and answers it, `DELETE /silences/ID`
/// removes one. Errors are plain text the CLI prints as is.
enum SilenceRoutes {
    static func route(method: String, path: String, body: [UInt8], pipeline: any SilenceAdmin) -> StatusServer.Response {
        switch (method, path) {
        case ("GET", "/silences"):
            return json(200, pipeline.activeSilences().map(SilenceReport.init))
        case ("POST", "/silences"):
            guard let request = try? StatusJSON.decode(SilenceRequest.self, from: body) else {
                return .text(400, "expected JSON: {\"rule\": ..., \"group\": ..., \"for_seconds\": ..., \"reason\": ..., \"start\": ...}\n")
            }
            do {
                return json(200, SilenceReport(try pipeline.addSilence(request)))
            } catch {
                if case .refused = error { return .text(400, "\(error)\n") }
                return .text(500, "\(error)\n")
            }
        case ("DELETE", _) where path.hasPrefix("/silences/"):
            let id = String(path.dropFirst("/silences/".count))
            do {
                guard let removed = try pipeline.removeSilence(id: id) else { return .text(404, "no silence \(id) in force\n") }
                return json(200, SilenceReport(removed))
            } catch {
                return .text(500, "\(error)\n")
            }
        default:
            return .text(405, "use GET or POST /silences, DELETE /silences/ID\n")
        }
    }

    private static func json<T: Encodable>(_ status: Int, _ value: T) -> StatusServer.Response {
        .init(status: status, contentType: "application/json", body: StatusJSON.encode(value))
    }
}
