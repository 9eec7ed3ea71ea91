import StatusdClient
import StatusdCore
import Synchronization
import Testing
@testable import StatusdDaemon

/// The status socket's backend without a pipeline: one report, a list of silences, no firing alert.
final class StatusRouteFakeBackend: StatusSocketBackend {
    let silences = Mutex<[Silence]>([Silence(id: "3f9a1c0e", rule: "server-errors", until: 2000, reason: "deploy", createdAt: 1000)])
    let reportsMade = Mutex(0)

    func report(version: String) -> StatusReport {
        reportsMade.withLock { $0 += 1 }
        return StatusReport(version: version, pid: 42, startedAt: "2026-12-07T20:00:00Z", uptimeSeconds: 60, config: "/etc/statusd.yaml",
                            configLoadedAt: "2026-12-07T20:00:00Z", lastReloadError: nil, inputs: [], rules: [])
    }

    func activeSilences() -> [Silence] { silences.withLock { $0 } }

    func addSilence(_ request: SilenceRequest) throws(SilenceFailure) -> Silence {
        guard request.rule == "server-errors" else { throw .refused(.unknownRule(request.rule, known: ["server-errors"])) }
        let s = Silence(id: "00000001", rule: request.rule, group: request.group, until: 1000 + request.forSeconds, reason: request.reason, createdAt: 1000)
        silences.withLock { $0.append(s) }
        return s
    }

    func removeSilence(id: String) throws(SilenceFailure) -> Silence? {
        silences.withLock { list in
            guard let k = list.firstIndex(where: { $0.id == id }) else { return nil }
            return list.remove(at: k)
        }
    }

    func acknowledge(_ request: AckRequest) throws(AckFailure) -> AckReport {
        throw .refused(.notFiring(request.alertID))
    }
}

@Suite("the status socket's routes, in process, behind narrow protocols")
struct StatusRouteTests {
    let backend = StatusRouteFakeBackend()

    func route(_ method: String, _ target: String, _ body: String = "") -> StatusServer.Response {
        StatusService.route(method: method, target: target, body: Array(body.utf8), pipeline: backend, version: "9.9")
    }

    @Test("GET /status is the backend's report as JSON, or text; /healthz answers without one")
    func status() throws {
        let json = route("GET", "/status")
        #expect(json.status == 200 && json.contentType == "application/json")
        let report = try StatusJSON.decode(StatusReport.self, from: json.body)
        #expect(report.version == "9.9" && report.pid == 42)
        let text = route("GET", "/status?format=text")
        #expect(text.status == 200 && String(decoding: text.body, as: UTF8.self).contains("9.9"))
        #expect(route("GET", "/healthz").status == 200)
        #expect(backend.reportsMade.withLock { $0 } == 2)
        #expect(route("POST", "/status").status == 405)
    }

    @Test("silences: listed, added, refused with the reason, removed, unknown id 404")
    func silences() throws {
        let list = try StatusJSON.decode([SilenceReport].self, from: route("GET", "/silences").body)
        #expect(list.map(\.id) == ["3f9a1c0e"])
        let added = route("POST", "/silences", #"{"rule": "server-errors", "for_seconds": 600, "reason": "maintenance"}"#)
        #expect(added.status == 200)
        #expect(try StatusJSON.decode(SilenceReport.self, from: added.body).id == "00000001")
        let refused = route("POST", "/silences", #"{"rule": "nope", "for_seconds": 600, "reason": "x"}"#)
        #expect(refused.status == 400 && String(decoding: refused.body, as: UTF8.self).contains("nope"))
        #expect(route("POST", "/silences", "not json").status == 400)
        #expect(route("DELETE", "/silences/3f9a1c0e").status == 200)
        #expect(route("DELETE", "/silences/3f9a1c0e").status == 404)
        #expect(backend.activeSilences().map(\.id) == ["00000001"])
    }

    @Test("ack of an alert that is not firing: 404 with the reason")
    func ack() {
        let r = route("POST", "/ack", #"{"alert_id": "abc"}"#)
        #expect(r.status == 404 && String(decoding: r.body, as: UTF8.self).contains("abc"))
        #expect(route("GET", "/ack").status == 405)
    }
}
