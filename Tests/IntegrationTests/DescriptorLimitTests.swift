import Foundation
import Glibc
import Testing

/// The real daemon under `prlimit --nofile=64:64` (as `ulimit -n 64` leaves it) following a glob
/// over 200, then 2,000 files: every line counted exactly once, by code, across a real logrotate
/// and a restart; no file taken for a rotation because it could not be opened; the state write
/// never fails; status carries `waiting_files` and ends with none waiting.
@Suite("more log files than descriptors (open-file limit 64)", .serialized)
struct DescriptorLimitTests {
    /// File `i`'s code in round `round`: files get different codes, so a line counted twice or
    /// never shows in the count of its code.
    static func code(_ i: Int, _ round: Int) -> Int { 100 + (i * 7 + round * 131) % 500 }

    static func name(_ i: Int) -> String { "logs/f\(String(format: "%04d", i)).log" }

    static func config(_ dir: TempDir) -> String {
        """
        inputs:
          - name: many
            path: \(dir.path)/logs/*.log
            format: combined
            start_at: beginning
        rules:
          - name: server-errors
            match: 5xx
            rate_above: 99%
            window: 30s
        status:
          socket: \(dir.file("s.sock"))
        state_dir: \(dir.path)/state
        """
    }

    static func start(_ dir: TempDir) throws -> StatusdProcess {
        try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir,
                           launcher: ["/usr/bin/prlimit", "--nofile=64:64"])
    }

    /// Waits until the input's codes equal `want` (and its lines their sum); records the most
    /// files seen waiting. Reports what differs on timeout.
    static func expectCodes(_ daemon: StatusdProcess, _ want: [Int: Int], _ label: String, maxWaiting: inout Int) {
        var last: [String: Any] = [:]
        let total = want.values.reduce(0, +)
        let ok = Proc.waitFor(120) {
            guard let inputs = try? daemon.status().json["inputs"] as? [[String: Any]], let input = inputs.first else { return false }
            last = input
            if let w = input["waiting_files"] as? Int { maxWaiting = max(maxWaiting, w) } else { maxWaiting = -1_000_000 }
            let codes = (input["codes"] as? [String: Int]) ?? [:]
            return input["lines"] as? Int == total && codes == Dictionary(uniqueKeysWithValues: want.map { (String($0.key), $0.value) })
        }
        if !ok {
            let codes = (last["codes"] as? [String: Int]) ?? [:]
            let off = want.filter { codes[String($0.key)] != $0.value }.prefix(5).map { "\($0.key): want \($0.value), got \(codes[String($0.key)] ?? 0)" }
            Issue.record("\(label): lines \(last["lines"] ?? "none") of \(total); \(off); stderr: \(daemon.stderrText.suffix(2000))")
        }
        #expect(ok, "\(label)")
        #expect(maxWaiting >= 0, "\(label): status has no waiting_files")
        #expect(last["waiting_files"] as? Int == 0, "\(label): files still waiting once all is read")
    }

    func run(files n: Int) throws {
        guard Logrotate.binary != nil else { Issue.record("logrotate is not installed"); return }
        let dir = try TempDir("fds\(n)")
        try FileManager.default.createDirectory(atPath: dir.file("logs"), withIntermediateDirectories: true)
        try dir.write("statusd.yaml", Self.config(dir))
        var want: [Int: Int] = [:]
        func add(_ i: Int, round: Int, to path: String? = nil) throws {
            let c = Self.code(i, round)
            try dir.append(path ?? Self.name(i), AccessLines.make(c, count: 1))
            want[c, default: 0] += 1
        }
        // Round 0: one line in each file before start (start_at: beginning reads them).
        for i in 0..<n { try add(i, round: 0) }
        var daemon = try Self.start(dir)
        #expect(daemon.waitReady(timeout: 60), "daemon never answered: \(daemon.stderrText.suffix(2000))")
        var maxWaiting = 0
        Self.expectCodes(daemon, want, "\(n) files read at start", maxWaiting: &maxWaiting)

        // Round 1: a line appended to every file, and a second one to every tenth.
        for i in 0..<n { try add(i, round: 1) }
        for i in stride(from: 0, to: n, by: 10) { try add(i, round: 2) }
        Self.expectCodes(daemon, want, "appends", maxWaiting: &maxWaiting)

        // Real logrotate (create): every file renamed to .1, a new empty one created. The writer
        // writes a late line to the old file of every fifth, then to every new file.
        try Logrotate.rotate(dir, log: dir.path + "/logs/*.log", options: ["create"])
        #expect(FileManager.default.fileExists(atPath: dir.file(Self.name(0)) + ".1"))
        for i in stride(from: 0, to: n, by: 5) { try add(i, round: 3, to: Self.name(i) + ".1") }
        for i in 0..<n { try add(i, round: 4) }
        Self.expectCodes(daemon, want, "after logrotate", maxWaiting: &maxWaiting)
        // The state write never went without a descriptor.
        let stderr = daemon.stderrText
        #expect(!stderr.contains("Too many open files"), "\(stderr.suffix(2000))")
        #expect(daemon.stop() == 0)

        // Restart: lines written while statusd was down are counted once, the rest not again.
        for i in stride(from: 0, to: n, by: 3) { try add(i, round: 5) }
        daemon = try Self.start(dir)
        #expect(daemon.waitReady(timeout: 60))
        Self.expectCodes(daemon, want, "after a restart", maxWaiting: &maxWaiting)
        for i in 0..<n { try add(i, round: 6) }
        Self.expectCodes(daemon, want, "appends after the restart", maxWaiting: &maxWaiting)
        #expect(!daemon.stderrText.contains("Too many open files"), "\(daemon.stderrText.suffix(2000))")
        #expect(daemon.stop() == 0)
        print("\(n) files under a limit of 64: most files seen waiting in status: \(maxWaiting)")
    }

    @Test("200 files: every line once, by code, across logrotate and a restart")
    func twoHundred() throws { try run(files: 200) }

    @Test("2,000 files: every line once, by code, across logrotate and a restart")
    func twoThousand() throws { try run(files: 2000) }
}
