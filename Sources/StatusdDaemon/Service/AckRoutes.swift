import StatusdClient
import StatusdCore

/// `POST /ack` on the status socket (an `AckRequest` as JSON), for `statusd ack`: acknowledges a
/// firing episode, which stops its reminders and escalation. Errors are plain text the CLI prints.
enum AckRoutes {
    static func route(method: String, body: [UInt8], pipeline: any AlertAcknowledger) -> StatusServer.Response {
        guard method == "POST" else { return .text(405, "use POST /ack\n") }
        guard let request = try? StatusJSON.decode(AckRequest.self, from: body), !request.alertID.isEmpty else {
            return .text(400, "expected JSON: {\"alert_id\": ..., \"reason\": ...}\n")
        }
        do {
            return .init(status: 200, contentType: "application/json", body: StatusJSON.encode(try pipeline.acknowledge(request)))
        } catch {
            switch error {
            case .refused(.notFiring): return .text(404, "\(error)\n")
            case .refused: return .text(400, "\(error)\n")
            case .notSaved: return .text(500, "\(error)\n")
            }
        }
    }
}
