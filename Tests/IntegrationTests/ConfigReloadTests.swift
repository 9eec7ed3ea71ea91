import Foundation
import Testing

@Suite("config errors and reload", .serialized)
struct ConfigReloadTests {
    func good(_ dir: TempDir, rule: String = "server-errors") -> String {
        """
        inputs:
          - name: web
            path: \(dir.file("access.log"))
        rules:
          - name: \(rule)
            match: 5xx
            rate_above: 5%
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.file("state"))
        """
    }

    let bad = """
    inputs:
      - name: web
        path: /var/log/nginx/access.log
    rules:
      - name: server-errors
        match: 5xx
        rate_above: 5
        windw: 5m
    """

    @Test("statusd check names file:line:column for every error and exits 1")
    func check() throws {
        let dir = try TempDir("check")
        try dir.write("bad.yaml", bad)
        let out = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("bad.yaml")])
        #expect(out.status == 1)
        #expect(out.stdout.contains("\(dir.file("bad.yaml")):7:17: `rate_above` must be a percentage"))
        #expect(out.stdout.contains("\(dir.file("bad.yaml")):8:5: unknown key `windw` in a rule (did you mean `window`?)"))
        try dir.write("good.yaml", good(dir))
        #expect(try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("good.yaml")]).status == 0)
    }

    @Test("statusd run with a bad config refuses to start and names the line")
    func runRefuses() throws {
        let dir = try TempDir("runbad")
        try dir.write("bad.yaml", bad)
        let out = try Proc.run(StatusdProcess.binary, ["run", "--config", dir.file("bad.yaml")], timeout: 20)
        #expect(out.status == 1)
        #expect(out.stderr.contains("bad.yaml:7:17:"))
    }

    @Test("SIGHUP with a bad config keeps the old one running; a good one is applied")
    func reload() throws {
        let dir = try TempDir("reload")
        try dir.write("access.log", "")
        try dir.write("statusd.yaml", good(dir))
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        defer { daemon.stop() }
        #expect(daemon.waitReady())
        try dir.append("access.log", AccessLines.make(200, count: 10))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["2xx"]) == 10 })

        try dir.write("statusd.yaml", bad)
        daemon.signal(SIGHUP)
        #expect(Proc.waitFor(10) { daemon.stderrText.contains("reload rejected") })
        #expect(daemon.stderrText.contains("statusd.yaml:7:17:"))
        #expect(daemon.process.isRunning)
        let st = try daemon.status()
        #expect((st.json["last_reload_error"] as? String ?? "").contains("statusd.yaml:7:17"))
        try dir.append("access.log", AccessLines.make(503, count: 3))
        #expect(Proc.waitFor(5) { (try? daemon.counts("web")["5xx"]) == 3 }, "the old config still counts")

        try dir.write("statusd.yaml", good(dir, rule: "renamed-rule"))
        daemon.signal(SIGHUP)
        #expect(Proc.waitFor(10) { (try? daemon.rule("renamed-rule")) != nil })
        #expect(try daemon.counts("web")["2xx"] == 10, "an unchanged input keeps its counts across a reload")
        #expect(try daemon.status().json["last_reload_error"] == nil)
    }

    @Test("statusd status exits 3 when no daemon answers")
    func unreachable() throws {
        let dir = try TempDir("unreach")
        let out = try Proc.run(StatusdProcess.binary, ["status", "--socket", dir.file("none.sock")])
        #expect(out.status == 3)
        #expect(out.stdout.contains("UNKNOWN"))
        // Garbage on the socket is exit 3 as well.
        let garbage = try Proc.run("/usr/bin/python3", ["-c", """
        import socket,os,sys,threading
        p=sys.argv[1]; s=socket.socket(socket.AF_UNIX); s.bind(p); s.listen(1)
        def serve():
            c,_=s.accept(); c.recv(1000); c.sendall(b"HTTP/1.1 200 OK\\r\\n\\r\\nnot json"); c.close()
        t=threading.Thread(target=serve); t.start()
        import subprocess
        r=subprocess.run([sys.argv[2],"status","--socket",p]); t.join(); sys.exit(r.returncode)
        """, dir.file("g.sock"), StatusdProcess.binary], timeout: 20)
        #expect(garbage.status == 3)
    }
}
