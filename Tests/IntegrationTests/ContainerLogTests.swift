import Foundation
import Testing

/// Container logs written as the runtimes write them (CRI records under /var/log/pods with
/// /var/log/containers symlinks, Docker json-file), with split lines, stderr diagnostics between
/// requests, rotation by rename, a new pod appearing and a `kill -9` of statusd in the middle:
/// statusd's counts equal the requests written.
@Suite("container logs (wrapper: cri, docker)", .serialized)
struct ContainerLogTests {
    /// Writes requests into a runtime's files; knows what it wrote.
    final class RuntimeWriter {
        let docker: Bool
        var classes: [String: Int] = [:]
        var serial = 0

        init(docker: Bool) { self.docker = docker }

        static func stamp() -> String {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.string(from: Date()).replacingOccurrences(of: "Z", with: "123456Z")
        }

        /// One CRI record as containerd writes it (also for `KubernetesDiscoveryTests`).
        static func stampedCRI(_ text: String, stream: String = "stdout", partial: Bool) -> String {
            "\(stamp()) \(stream) \(partial ? "P" : "F") \(text)\n"
        }

        func record(_ text: String, stream: String, partial: Bool) -> String {
            if docker {
                let data = try! JSONSerialization.data(withJSONObject: [text + (partial ? "" : "\n")], options: [.withoutEscapingSlashes])
                let log = String(decoding: data, as: UTF8.self).dropFirst().dropLast()
                return #"{"log":\#(log),"stream":"\#(stream)","time":"\#(Self.stamp())"}"# + "\n"
            }
            return "\(Self.stamp()) \(stream) \(partial ? "P" : "F") \(text)\n"
        }

        /// `count` requests appended to `path`, one write per request (its parts and an occasional
        /// stderr line with it), every 7th split in three parts, every 5th followed by a stderr line.
        func write(_ path: String, count: Int, perBatch: Int = 50) throws {
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? h.close() }
            h.seekToEndOfFile()
            var batch = ""
            for _ in 0..<count {
                serial += 1
                let status = [200, 200, 200, 404, 502, 301, 503][serial % 7]
                let key = "\(status / 100)xx"
                classes[key, default: 0] += 1
                let line = "10.0.0.\(serial % 250) - - [\(AccessLines.timeLocal(Date()))] \"GET /p/\(serial)?q=\\\"x\\\" HTTP/1.1\" \(status) 12 \"-\" \"kube-probe/1.29\""
                if serial % 7 == 3 {
                    let u = Array(line.utf8), a = u.count / 3, b = 2 * u.count / 3
                    batch += record(String(decoding: u[..<a], as: UTF8.self), stream: "stdout", partial: true)
                    batch += record(String(decoding: u[a..<b], as: UTF8.self), stream: "stdout", partial: true)
                    batch += record(String(decoding: u[b...], as: UTF8.self), stream: "stdout", partial: false)
                } else {
                    batch += record(line, stream: "stdout", partial: false)
                }
                if serial % 5 == 0 {
                    batch += record("2026/12/07 15:06:42 [error] 31#31: *\(serial) connect() failed (111: Connection refused) while connecting to upstream", stream: "stderr", partial: false)
                }
                if serial % perBatch == 0 {
                    h.write(Data(batch.utf8))
                    batch = ""
                    usleep(20_000)
                }
            }
            h.write(Data(batch.utf8))
        }
    }

    static func start(_ dir: TempDir, glob: String, wrapper: String) throws -> StatusdProcess {
        try dir.write("statusd.yaml", """
        inputs:
          - {name: web, path: "\(glob)", format: combined, wrapper: \(wrapper), start_at: beginning}
        rules:
          - {name: server-errors, match: 5xx, rate_above: 90%}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady(), "stderr: \(daemon.stderrText)")
        return daemon
    }

    static func wrappers(_ daemon: StatusdProcess) -> [String] {
        let inputs = (try? daemon.status().json["inputs"] as? [[String: Any]]) ?? []
        return (inputs.first?["files"] as? [[String: Any]] ?? []).compactMap { $0["wrapper"] as? String }
    }

    @Test("CRI: kubelet layout, split lines, stderr, rotation by rename, kill -9, a new pod: exact counts")
    func cri() throws {
        let dir = try TempDir("cri")
        let fm = FileManager.default
        func pod(_ name: String) throws -> String {
            let folder = dir.file("pods/ingress-nginx_\(name)_0d3c-\(name)/controller")
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: dir.file("containers"), withIntermediateDirectories: true)
            _ = fm.createFile(atPath: folder + "/0.log", contents: nil)
            try fm.createSymbolicLink(atPath: dir.file("containers/\(name)_ingress-nginx_controller-\(name.count)abc.log"),
                                      withDestinationPath: folder + "/0.log")
            return folder + "/0.log"
        }
        let writer = RuntimeWriter(docker: false)
        let first = try pod("ctrl-a")
        var daemon = try Self.start(dir, glob: dir.file("containers/*.log"), wrapper: "cri")
        try writer.write(first, count: 700)
        // The kubelet's rotation: rename with a timestamp suffix, a new 0.log.
        try fm.moveItem(atPath: first, toPath: first + ".20261207-150642")
        _ = fm.createFile(atPath: first, contents: nil)
        try writer.write(first, count: 400)
        daemon.signal(SIGKILL)
        daemon.process.waitUntilExit()
        try writer.write(first, count: 300)     // while statusd is down
        daemon = try Self.start(dir, glob: dir.file("containers/*.log"), wrapper: "cri")
        defer { daemon.stop() }
        let second = try pod("ctrl-b")           // a new pod's symlink appears
        try writer.write(second, count: 500)
        try writer.write(first, count: 200)
        RotationTests.expectExact(daemon, writer.classes, "CRI")
        if (try? daemon.counts("web")["2xx"]) != writer.classes["2xx"] { print("CRI stderr:\n" + daemon.stderrText.suffix(6000)) }
        #expect(Self.wrappers(daemon).allSatisfy { $0 == "cri" } && !Self.wrappers(daemon).isEmpty)
    }

    @Test("Docker json-file: escaped quotes, split lines, max-size rotation, kill -9: exact counts")
    func docker() throws {
        let dir = try TempDir("docker")
        let id = String(repeating: "c0ffee", count: 10) + "abcd"
        let folder = dir.file("containers/\(id)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let log = folder + "/\(id)-json.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let writer = RuntimeWriter(docker: true)
        var daemon = try Self.start(dir, glob: folder + "/*-json.log", wrapper: "auto")
        try writer.write(log, count: 600)
        // max-size rotation: the file becomes .1, a new one is opened.
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        try writer.write(log, count: 400)
        daemon.signal(SIGKILL)
        daemon.process.waitUntilExit()
        try writer.write(log, count: 300)
        daemon = try Self.start(dir, glob: folder + "/*-json.log", wrapper: "auto")
        defer { daemon.stop() }
        try writer.write(log, count: 300)
        RotationTests.expectExact(daemon, writer.classes, "Docker")
        // The file being read shows what `auto` found (a drained one may not have read a line yet).
        let seen = Self.wrappers(daemon)
        #expect(seen.contains("docker") && !seen.contains("cri") && !seen.contains("none"), "\(seen)")
    }
}
