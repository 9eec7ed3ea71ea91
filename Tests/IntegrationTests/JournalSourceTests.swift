import Foundation
import Testing

/// `journal:` as a source: a real nginx sends its access lines to a real journald through its
/// syslog socket, statusd reads them back with sd_journal, and its counts equal the lines nginx
/// wrote to its own file beside, also across a `kill -9` of statusd while nginx keeps serving.
@Suite("journald as a source", .serialized)
struct JournalSourceTests {
    @Test("nginx → journald (access_log syslog:) → statusd journal: exact counts, resumed at the cursor after kill -9")
    func nginxThroughJournald() throws {
        guard Nginx.binary != nil else { Issue.record("nginx is not installed"); return }
        try Journald.acquire()
        defer { Journald.release() }
        let dir = try TempDir("journal-src")
        let tag = "statusdit" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let nginx = try Nginx(dir: dir, syslogTag: tag)
        defer { nginx.stop() }
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, journal: {identifier: \(tag)}, format: combined, start_at: beginning}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 90%}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
        #expect(try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20).status == 0)
        func start() throws -> StatusdProcess {
            let d = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
            #expect(d.waitReady(), "stderr: \(d.stderrText)")
            return d
        }
        func expectNginxCounts(_ daemon: StatusdProcess, _ label: String) throws {
            let keys = ["2xx", "4xx", "5xx"]
            var truth: [String: Int] = [:]
            func same() -> Bool {
                truth = (try? LogTruth.classes(nginx.accessLog)) ?? [:]
                guard let c = try? daemon.counts("web") else { return false }
                return keys.allSatisfy { (c[$0] ?? 0) == (truth[$0] ?? 0) } && c["unparsed"] == 0
            }
            let reached = Proc.waitFor(20, same)
            usleep(1_500_000)
            let counts = (try? daemon.counts("web")) ?? [:]
            print("\(label): nginx wrote \(truth), statusd read from journald \(counts.filter { keys.contains($0.key) })")
            #expect(reached && same(), "\(label): statusd \(counts) vs nginx \(truth); stderr: \(daemon.stderrText.suffix(1500))")
        }
        var daemon = try start()
        try nginx.hit("/ok", count: 60)
        try nginx.hit("/unavailable", count: 15)
        try nginx.hit("/down", count: 5)
        try expectNginxCounts(daemon, "first run")
        let files = (try daemon.status().json["inputs"] as? [[String: Any]])?.first?["files"] as? [[String: Any]]
        #expect((files?.first?["path"] as? String)?.contains("identifier=\(tag)") == true)
        daemon.signal(SIGKILL)
        daemon.process.waitUntilExit()
        try nginx.hit("/unavailable", count: 20)      // while statusd is down
        try nginx.hit("/ok", count: 30)
        daemon = try start()
        defer { daemon.stop() }
        try nginx.hit("/ok", count: 25)
        try nginx.hit("/nothing-here", count: 7)
        try expectNginxCounts(daemon, "after kill -9 and a restart")
        #expect(daemon.stderrText.contains("the saved cursor"), "resumed at the cursor")
    }
}
