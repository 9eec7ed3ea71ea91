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
        /// What the journal holds for the tag, by class (journald itself may drop datagrams when it
        /// cannot keep up: on this machine other tests share it; then it holds fewer than nginx wrote).
        func journalClasses() -> [String: Int] {
            guard let out = try? Proc.run("/usr/bin/journalctl", ["-t", tag, "-o", "cat", "--no-pager"], timeout: 20), out.status == 0 else { return [:] }
            var classes: [String: Int] = [:]
            for line in out.stdout.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 8, let first = fields[8].first { classes["\(first)xx", default: 0] += 1 }
            }
            return classes
        }
        func expectNginxCounts(_ daemon: StatusdProcess, _ label: String) throws {
            let keys = ["2xx", "4xx", "5xx"]
            var truth: [String: Int] = [:], journal: [String: Int] = [:]
            func same() -> Bool {
                truth = (try? LogTruth.classes(nginx.accessLog)) ?? [:]
                journal = journalClasses()
                guard let c = try? daemon.counts("web") else { return false }
                return keys.allSatisfy { (c[$0] ?? 0) == (journal[$0] ?? 0) && (journal[$0] ?? 0) == (truth[$0] ?? 0) } && c["unparsed"] == 0
            }
            var reached = Proc.waitFor(20, same)
            // Every line nginx wrote is in the journal unless journald dropped some: then statusd must
            // count exactly what the journal holds, no more and no less.
            let dropped = keys.reduce(0) { $0 + (truth[$1] ?? 0) - (journal[$1] ?? 0) }
            if !reached, dropped > 0 {
                reached = Proc.waitFor(10) { keys.allSatisfy { k in ((try? daemon.counts("web"))?[k] ?? 0) == (journalClasses()[k] ?? 0) } }
            }
            usleep(1_500_000)
            let counts = (try? daemon.counts("web")) ?? [:]
            print("\(label): nginx wrote \(truth), the journal holds \(journal) (journald dropped \(dropped)), statusd read \(counts.filter { keys.contains($0.key) })")
            #expect(reached && keys.allSatisfy { (counts[$0] ?? 0) == (journalClasses()[$0] ?? 0) },
                    "\(label): statusd \(counts) vs the journal \(journal) (nginx \(truth)); stderr: \(daemon.stderrText.suffix(1500))")
            #expect(counts["unparsed"] == 0)
        }
        var daemon = try start()
        try nginx.hit("/ok", count: 60)
        try nginx.hit("/unavailable", count: 15)
        try nginx.hit("/down", count: 5)
        try expectNginxCounts(daemon, "first run")
        let files = (try daemon.status().json["inputs"] as? [[String: Any]])?.first?["files"] as? [[String: Any]]
        #expect((files?.first?["path"] as? String)?.contains("identifier=\(tag)") == true)
        // Status per input: the source kind and the cursor of the last entry read as its position.
        #expect(files?.first?["source"] as? String == "journal")
        let cursor = files?.first?["cursor"] as? String
        #expect(cursor?.hasPrefix("s=") == true && files?.first?["position"] as? String == "cursor " + (cursor ?? "-"), "\(String(describing: files))")
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
