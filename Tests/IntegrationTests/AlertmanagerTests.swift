import Foundation
import StatusdCore
import Testing

/// statusd's `alertmanager` sink against a real Alertmanager (`prometheus-alertmanager`) on
/// 127.0.0.1: what its API lists while an alert fires, that re-sends keep it alive across a
/// `kill -9`, that it resolves, a cluster member that is down, and a small fleet grouped by
/// `alertname`. Every process is stopped by its PID.
@Suite("alertmanager", .serialized)
struct AlertmanagerTests {
    static func sink(_ url: String, extra: String = "") -> String {
        "  - {name: am, type: alertmanager, url: \"\(url)\", resend_interval: 2s, resend_resolved_for: 10s\(extra)}"
    }

    /// The keys of a webhook message and of its first alert.
    static func shape(_ doc: [String: Any]?) -> [Set<String>] {
        [Set(doc?.keys.map { $0 } ?? []), Set(((doc?["alerts"] as? [[String: Any]])?.first?.keys).map { Array($0) } ?? [])]
    }

    static func updatedAt(_ am: Alertmanager, _ name: String, host: String) -> String? {
        am.alert(name, host: host)?["updatedAt"] as? String
    }

    @Test("a real log fires an alert: Alertmanager lists it with the right labels, re-sends keep it (also after kill -9), then it resolves")
    func firesAndResolves() throws {
        let dir0 = try TempDir("am")
        let rx = try Receiver(dir0, name: "am-hook")
        try rx.start()
        let am = try Alertmanager(dir0, webhook: rx.url("/am"))
        try am.start()
        defer { am.stop(); rx.stop() }
        // A 1-minute window: the alert stays firing across the kill -9 and restart below.
        let config: (TempDir) -> String = { dir in
            """
            host: it-web-1
            inputs:
              - {name: web, path: \(dir.file("access.log"))}
            rules:
              - {name: r500, match: 500, rate_above: 10%, guard: none, window: 1m, min_requests: 5, severity: critical}
            sinks:
            \(Self.sink(am.url))
              - {name: hook, type: webhook, url: "\(rx.url("/statusd"))", payload: alertmanager}
            status: {socket: \(dir.file("s.sock"))}
            state_dir: \(dir.file("state"))
            """
        }
        let run = try SinkDeliveryTests.Run("am-fire", config: config)
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try SinkDeliveryTests.fire(run.dir, [500])

        // Listed while firing, with the labels that name it and the annotations that explain it.
        #expect(Proc.waitFor(20) { am.alert("r500", host: "it-web-1") != nil }, "not listed: \(am.alerts()); \(run.daemon.stderrText)")
        let alert = try #require(am.alert("r500", host: "it-web-1"))
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels == ["alertname": "r500", "rule": "r500", "host": "it-web-1", "input": "web", "severity": "critical"])
        #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["summary"]?.hasPrefix("r500 on it-web-1: ") == true, "\(annotations)")
        #expect(annotations["codes"]?.hasPrefix("500 ×5 (Internal Server Error") == true, "\(annotations)")
        #expect(annotations["description"]?.contains("FIRING") == true)
        #expect(alert["generatorURL"] as? String == "statusd://it-web-1/rules/r500")
        // Alertmanager's fingerprint is the one statusd computes (the webhook payload's).
        #expect(alert["fingerprint"] as? String == AlertmanagerAlert.fingerprint(labels.map { ($0.key, $0.value) }))
        // Alertmanager routed it: its own webhook says firing, with the host.
        #expect(Proc.waitFor(15) { rx.delivered(path: "/am").contains { $0.json?["status"] as? String == "firing" } })
        // The webhook sink with `payload: alertmanager` posts the message Alertmanager itself posts:
        // the same keys, the same labels, version 4, and statusd's idempotency key in the headers.
        let own = try #require(rx.delivered(path: "/statusd").first, "no payload: alertmanager message")
        let real = rx.delivered(path: "/am").first { $0.json?["status"] as? String == "firing" }
        #expect(Self.shape(own.json) == Self.shape(real?.json), "\(own.body)")
        #expect(own.json?["version"] as? String == "4" && own.json?["status"] as? String == "firing")
        #expect((own.json?["commonLabels"] as? [String: String]) == labels)
        #expect(((own.json?["alerts"] as? [[String: Any]])?.first?["fingerprint"] as? String) == alert["fingerprint"] as? String)
        #expect(own.key?.hasPrefix("r500@") == true && own.headers["webhook-id"] == own.key)

        // Re-sent every 2 s: Alertmanager's updatedAt moves on.
        let first = Self.updatedAt(am, "r500", host: "it-web-1")
        // (Still listed each time: an alert that expired has no updatedAt.)
        #expect(Proc.waitFor(10) { Self.updatedAt(am, "r500", host: "it-web-1").map { $0 != first } ?? false }, "no re-send")

        // kill -9 and a restart: the standing alert comes back from the state file and is re-sent.
        run.daemon.signal(SIGKILL)
        run.daemon.process.waitUntilExit()
        let stopped = try #require(Self.updatedAt(am, "r500", host: "it-web-1"))
        usleep(1_500_000)
        #expect(Self.updatedAt(am, "r500", host: "it-web-1") == stopped, "re-sent while statusd was down?")
        let again = try run.journal.statusd(config: run.dir.file("statusd.yaml"), socket: run.dir.file("s.sock"), dir: try TempDir("am-fire-2"))
        defer { again.stop() }
        #expect(again.waitReady(), "restart never answered: \(again.stderrText)")
        #expect(Proc.waitFor(10) { Self.updatedAt(am, "r500", host: "it-web-1").map { $0 != stopped } ?? false }, "no re-send after the restart")
        #expect(am.alert("r500", host: "it-web-1") != nil)
        // Those were re-sends of the standing alert: the restarted daemon delivered no notification again.
        let resumed = (try again.status().json["sinks"] as? [[String: Any]])?.first { $0["name"] as? String == "am" }
        #expect(resumed?["delivered"] as? Int == 0 && resumed?["queued"] as? Int == 0, "\(String(describing: resumed))")

        // The errors stop: resolved, so the API lists it no more, and Alertmanager says so.
        try SinkDeliveryTests.calm(run.dir)
        #expect(Proc.waitFor(20) { am.alert("r500", host: "it-web-1") == nil }, "still listed: \(am.alerts())")
        #expect(Proc.waitFor(15) {
            rx.delivered(path: "/am").contains { r in
                r.json?["status"] as? String == "resolved"
                    && ((r.json?["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])?["host"] == "it-web-1"
            }
        }, "Alertmanager sent no resolved notification")
        let row: () -> [String: Any]? = { ((try? again.status().json["sinks"]) as? [[String: Any]])?.first { $0["name"] as? String == "am" } }
        // Delivered since the restart: the resolved notice only.
        #expect(Proc.waitFor(5) { row()?["delivered"] as? Int == 1 }, "\(String(describing: row()))")
        #expect(row()?["type"] as? String == "alertmanager" && row()?["queued"] as? Int == 0 && row()?["state"] as? String == "ok")
    }

    @Test("a cluster: each URL gets every alert on its own; a member that is down holds up none and catches up when back")
    func cluster() throws {
        let dir0 = try TempDir("am-cluster")
        let up = try Alertmanager(dir0, name: "am1")
        let down = try Alertmanager(dir0, name: "am2")
        try up.start()
        defer { up.stop(); down.stop() }
        let sinks = "  - {name: am, type: alertmanager, urls: [\"\(up.url)\", \"\(down.url)\"], resend_interval: 2s}"
        let run = try SinkDeliveryTests.Run("am-cluster", config: { SinkDeliveryTests.config($0, sinks: sinks) + "\nhost: it-web-2\n" })
        defer { run.daemon.stop() }
        #expect(run.daemon.waitReady(), "daemon never answered: \(run.daemon.stderrText)")
        try SinkDeliveryTests.fire(run.dir, [500])
        #expect(Proc.waitFor(20) { up.alert("r500", host: "it-web-2") != nil }, "\(run.daemon.stderrText)")
        let rows: () -> [String: [String: Any]] = {
            let list = (try? run.daemon.status().json["sinks"] as? [[String: Any]]) ?? []
            return Dictionary(list.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        }
        #expect(Proc.waitFor(10) { rows()["am[2]"]?["state"] as? String == "retrying" }, "\(rows())")
        #expect(rows()["am[2]"]?["queued"] as? Int == 1 && rows()["am[1]"]?["queued"] as? Int == 0)
        #expect(rows()["am[1]"]?["delivered"] as? Int == 1)
        try down.start()
        #expect(Proc.waitFor(40) { down.alert("r500", host: "it-web-2") != nil }, "the second member never got it: \(rows())")
        #expect(Proc.waitFor(10) { rows()["am[2]"]?["queued"] as? Int == 0 && rows()["am[2]"]?["delivered"] as? Int == 1 })
    }

    @Test("a small fleet: 6 statusd, one host name each, one Alertmanager grouping by alertname; 3 in trouble make one group of exactly those 3")
    func fleet() throws {
        let dir = try TempDir("am-fleet")
        let am = try Alertmanager(dir)
        try am.start()
        defer { am.stop() }
        let journal = try PrivateJournal()
        try journal.start()
        var daemons: [StatusdProcess] = []
        defer { for d in daemons { d.stop() } }
        let hosts = (1...6).map { "fleet-\($0)" }
        for host in hosts {
            try dir.write("\(host).log", AccessLines.make(200, count: 50))
            try dir.write("\(host).yaml", """
            host: \(host)
            inputs:
              - {name: web, path: \(dir.file("\(host).log"))}
            rules:
              - {name: fleet-5xx, match: 5xx, rate_above: 10%, guard: none, window: 10s, min_requests: 5, severity: critical}
            sinks:
              - {name: am, type: alertmanager, url: "\(am.url)"}
            status: {socket: \(dir.file("\(host).sock"))}
            state_dir: \(dir.file("\(host)-state"))
            """)
            daemons.append(try journal.statusd(config: dir.file("\(host).yaml"), socket: dir.file("\(host).sock"), dir: try TempDir(host)))
        }
        for d in daemons { #expect(d.waitReady(), "\(d.stderrText)") }
        let trouble = ["fleet-2", "fleet-4", "fleet-5"]
        for host in hosts {
            try dir.append("\(host).log", AccessLines.make(200, count: 20) + (trouble.contains(host) ? AccessLines.make(502, count: 10) : ""))
        }
        func groupHosts() -> [[String]] {
            am.groups().map { g in
                ((g["alerts"] as? [[String: Any]]) ?? []).compactMap { ($0["labels"] as? [String: String])?["host"] }.sorted()
            }
        }
        #expect(Proc.waitFor(30) { groupHosts() == [trouble] }, "groups: \(groupHosts())")
        let group = try #require(am.groups().first)
        #expect(group["labels"] as? [String: String] == ["alertname": "fleet-5xx"])
    }
}
