import Foundation
import Testing

/// `statusd replay` as an operator runs it: on rotated and .gz files, with and without a config.
@Suite("statusd replay")
struct ReplayCommandTests {
    static let realdata = Fixtures.packageRoot + "/../shared/realdata"

    func replay(_ args: [String]) throws -> [String: Any] {
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--json"] + args, timeout: 120)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("--threads splits a large file and prints exactly what one thread prints; gen is deterministic",
          arguments: ["combined", "nginx-json", "cloudfront"])
    func threads(_ genFormat: String) throws {
        let dir = try TempDir("replaythreads")
        let log = dir.file("access.log")
        let gen = ["gen", "--format", genFormat, "--lines", "60000", "--seed", "7", "--rate", "50",
                   "--incident", "300+120:502:25%", "--incident", "900+60:499:50%"]
        #expect(try Proc.run(StatusdProcess.binary, gen + ["-o", log], timeout: 120).status == 0)
        #expect(try Proc.run(StatusdProcess.binary, gen + ["-o", log + ".again"], timeout: 120).status == 0)
        #expect(FileManager.default.contentsEqual(atPath: log, andPath: log + ".again"))
        let size = (try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        #expect(size >= 8 << 20, "large enough to be split")
        var files = [log]
        if genFormat == "nginx-json" {
            // The same log with a pretty-printed object in the middle: not split, read again in one go.
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log)))
            let middle = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A)! + 1
            bytes.insert(contentsOf: Array("{\n  \"status\": \"503\",\n  \"time_iso8601\": \"2026-11-19T10:10:00+00:00\"\n}\n".utf8), at: middle)
            try Data(bytes).write(to: URL(fileURLWithPath: dir.file("pretty.log")))
            files.append(dir.file("pretty.log"))
        }
        for file in files {
            for format in [genFormat, "auto"] {
                var outputs: [String] = []
                for threads in ["1", "2", "3"] {
                    let out = try Proc.run(StatusdProcess.binary, ["replay", "--json", "--threads", threads, "--format", format, file], timeout: 120)
                    #expect(out.status == 0, "stderr: \(out.stderr)")
                    outputs.append(out.stdout)
                }
                let doc = (try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any]) ?? [:]
                let codes = doc["codes"] as? [String: Int] ?? [:]
                #expect(codes.values.reduce(0, +) == (file == log ? 60000 : 60001), "\(file) --format \(format)")
                #expect(((doc["timeline"] as? [Any]) ?? []).count >= 2, "the incidents fire")
                for o in outputs.dropFirst() { #expect(o == outputs[0], "\(file) --format \(format)") }
            }
        }
    }

    @Test("a gzip-compressed rotation reads like the plain file, format detected")
    func gzip() throws {
        let dir = try TempDir("replaygz")
        let plain = Self.realdata + "/apache/elastic-examples_apache_logs.log"
        try FileManager.default.copyItem(atPath: plain, toPath: dir.file("access.log.2"))
        _ = try Proc.run("/bin/gzip", ["-9", dir.file("access.log.2")])
        let doc = try replay([dir.file("access.log.2.gz")])
        let codes = doc["codes"] as? [String: Int] ?? [:]
        #expect(codes == ["200": 9126, "304": 445, "404": 213, "301": 164, "206": 45, "500": 3, "416": 2, "403": 2])
        let counts = doc["counts"] as? [String: Int] ?? [:]
        #expect(counts["2xx"] == 9171 && counts["5xx"] == 3 && counts["unparsed"] == 0)
        let files = doc["files"] as? [[String: Any]] ?? []
        #expect(files.first?["detected_format"] as? String == "combined")
        #expect(doc["first_time"] as? String == "2015-05-17T10:05:03Z")
    }

    @Test("a config's rules and formats apply; the timeline shows the outage")
    func outageTimeline() throws {
        let dir = try TempDir("replayout")
        // Ten minutes at 10 requests a second; 502s for 3 of 10 during minutes 5 to 7.
        var text = ""
        let start = Date(timeIntervalSince1970: 1_795_168_800)
        for s in 0..<600 {
            let bad = s >= 300 && s < 420
            let stamp = AccessLines.timeLocal(start.addingTimeInterval(Double(s)))
            for k in 0..<10 {
                text += "10.0.0.1 - - [\(stamp)] \"GET / HTTP/1.1\" \(bad && k < 3 ? 502 : 200) 5 \"-\" \"x\"\n"
            }
        }
        try dir.write("access.log", text)
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, path: \(dir.file("access.log")), format: combined}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m, for: 30s, severity: critical}
        """)
        let doc = try replay(["--config", dir.file("statusd.yaml"), dir.file("access.log")])
        let timeline = doc["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.map { $0["event"] as? String ?? "" } == ["pending", "firing", "resolved"])
        // 33 of 600 is above 5% but not surely so: the small-sample guard waits for 42 of 600 (+3 s).
        #expect(timeline.map { $0["at"] as? String ?? "" } == ["2026-11-20T10:05:13Z", "2026-11-20T10:05:43Z", "2026-11-20T10:07:49Z"])
        #expect(timeline.allSatisfy { $0["severity"] as? String == "critical" })
        #expect((timeline.first?["codes"] as? [String: Int])?["502"] == 42)
        let text2 = try Proc.run(StatusdProcess.binary, ["replay", "--config", dir.file("statusd.yaml"), dir.file("access.log")])
        #expect(text2.stdout.contains("2026-11-20T10:05:43Z  server-errors firing"))
    }

    @Test("--format regex without a pattern says what to add and exits non-zero; with one it reads")
    func regexWithoutPattern() throws {
        let dir = try TempDir("replayregex")
        try dir.write("app.log", "GET /a status=502 in 3ms\nGET /b status=200 in 1ms\n")
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--format", "regex", dir.file("app.log")])
        #expect(out.status != 0)
        #expect(out.stdout.isEmpty, "stdout: \(out.stdout)")
        #expect(out.stderr.contains("`--format regex` needs a pattern"), "stderr: \(out.stderr)")
        #expect(out.stderr.contains("`format: regex`") && out.stderr.contains("pattern: '") && out.stderr.contains("(?<status>"))
        #expect(out.stderr.contains("--config"))
        // A config without a regex input does not help: same message, never a silent combined read.
        try dir.write("combined.yaml", """
        inputs:
          - {name: web, path: /var/log/nginx/access.log}
        rules:
          - {name: r, match: 5xx, rate_above: 5%}
        """)
        let noRegex = try Proc.run(StatusdProcess.binary, ["replay", "--config", dir.file("combined.yaml"), "--format", "regex", dir.file("app.log")])
        #expect(noRegex.status != 0 && noRegex.stderr.contains("`--format regex` needs a pattern"), "stderr: \(noRegex.stderr)")
        // What the message asks for: an input with `format: regex` and a pattern, given with --config.
        try dir.write("regex.yaml", """
        inputs:
          - {name: app, path: /var/log/app.log, format: regex, pattern: 'status=(?<status>\\d{3})'}
        rules:
          - {name: r, match: 5xx, rate_above: 5%}
        """)
        let doc = try replay(["--config", dir.file("regex.yaml"), "--format", "regex", dir.file("app.log")])
        #expect(doc["codes"] as? [String: Int] == ["200": 1, "502": 1])
        #expect((doc["counts"] as? [String: Int])?["unparsed"] == 0)
    }
}
