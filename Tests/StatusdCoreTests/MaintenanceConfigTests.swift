import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("maintenance and escalation config: keys, zones, errors with their place")
struct MaintenanceConfigTests {
    static let base = """
    inputs:
      - {name: web, path: /var/log/w.log}
    rules:
      - {name: server-errors, match: 5xx, rate_above: 5%, sinks: [chat, {sink: pager, after: 15m}]}
    sinks:
      - {name: chat, type: slack, url: "https://hooks.slack.com/services/x"}
      - {name: pager, type: webhook, url: "https://pager.example/hook", after: 30m}
    """

    static func zones(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + name).map { [UInt8]($0) }
    }

    func load(_ extra: String) -> Result<StatusdConfig, ConfigErrors> {
        ConfigLoader.load(yaml: Self.base + "\n" + extra, file: "m.yaml", zones: Self.zones)
    }

    @Test("windows load with their zone; routes and sink `after` load")
    func loads() throws {
        let c = try load("""
        maintenance:
          - {name: backups, rules: [server-errors], every: "Sun 02:00-04:00", timezone: Europe/Berlin}
          - {name: web-deploys, groups: [web], every: "Mon-Fri 12:00-12:30"}
        """).get()
        #expect(c.maintenance.map(\.name) == ["backups", "web-deploys"])
        #expect(c.maintenance[0].zone.name == "Europe/Berlin" && c.maintenance[0].zone.offset(at: 1_800_000_000) != 0)
        #expect(c.maintenance[1].zone.name == "UTC")
        #expect(c.rules[0].sinks == ["chat", "pager"] && c.rules[0].sinkAfter == ["pager": 900])
        #expect(c.sinks[1].afterSeconds == 1800)
        // The delays as routing applies them (`SinkRoutes`): the rule's route, else the sink's own.
        let routes = SinkRoutes(config: c)
        #expect(routes.plan(rule: "server-errors", severity: .warning).map(\.after) == [0, 0, 900])
        #expect(routes.plan(rule: "another", severity: .warning).filter { $0.sink == "pager" }.map(\.after) == [1800])
    }

    @Test("an unknown zone, a bad `every`, an unknown rule are errors at their line")
    func errors() {
        guard case .failure(let e) = load("""
        maintenance:
          - {name: a, rules: [server-errors], every: "Sun 02:00-04:00", timezone: Europe/Berln}
          - {name: b, rules: [server-errors], every: "Sunday at two"}
          - {name: c, rules: [no-such-rule], every: "daily 01:00-02:00"}
          - {name: d, every: "daily 01:00-02:00"}
          - {name: e, rules: [server-errors], every: "daily 01:00-02:00", timezone: ../../etc/passwd}
        """) else { Issue.record("accepted"); return }
        let lines = e.errors.map(\.description)
        func at(_ line: Int, _ words: String) -> Bool { lines.contains { $0.hasPrefix("m.yaml:\(line):") && $0.contains(words) } }
        #expect(at(9, "unknown time zone `Europe/Berln`"), "\(lines)")
        #expect(at(10, "`every` is days and a time span"), "\(lines)")
        #expect(at(11, "mutes rule `no-such-rule`"), "\(lines)")
        #expect(at(12, "needs `rules` or `groups`"), "\(lines)")
        #expect(at(13, "tz database name"), "\(lines)")
        #expect(lines.count == 5, "\(lines)")
    }
}
