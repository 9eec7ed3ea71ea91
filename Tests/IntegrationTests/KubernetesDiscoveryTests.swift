import Foundation
import Testing

/// `kubernetes: {namespace, container}` inputs on the kubelet's layout, written as the kubelet and
/// the runtime write it: `/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log` in CRI records (split
/// `P` parts, stderr diagnostics), linked from `/var/log/containers/<pod>_<ns>_<container>-<id>.log`;
/// rotation by rename to `0.log.<timestamp>` with the older rotated file gzipped at the next one;
/// pods that appear and pods that go (link and folder removed right after their last lines). Counts
/// must equal what the matching pods wrote, across a restart and a `kill -9`, and a `group_by:
/// [pod]` rule must fire for the failing pod only, naming it.
@Suite("kubernetes discovery (kubernetes: namespace, container)", .serialized)
struct KubernetesDiscoveryTests {
    /// One container of one pod, as the kubelet lays it out, and what was written to it.
    final class Pod {
        let name: String, namespace: String, container: String
        let folder: String, link: String
        var rotations = 0
        var log: String { folder + "/0.log" }

        init(_ root: TempDir, name: String, namespace: String = "ingress-nginx", container: String = "controller") throws {
            self.name = name
            self.namespace = namespace
            self.container = container
            let uid = UUID().uuidString.lowercased()
            folder = root.file("pods/\(namespace)_\(name)_\(uid)/\(container)")
            let id = (UUID().uuidString + UUID().uuidString).lowercased().filter(\.isHexDigit).prefix(64)
            link = root.file("containers/\(name)_\(namespace)_\(container)-\(id).log")
            let fm = FileManager.default
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root.file("containers"), withIntermediateDirectories: true)
            _ = fm.createFile(atPath: log, contents: nil)
            try fm.createSymbolicLink(atPath: link, withDestinationPath: log)
        }

        /// The kubelet's rotation: rotated files older than the newest are gzipped, then 0.log is
        /// renamed to `0.log.<YYYYMMDD-hhmmss>` and the runtime opens a new 0.log.
        func rotate() throws {
            let fm = FileManager.default
            let rotated = try fm.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("0.log.") && !$0.hasSuffix(".gz") }.sorted()
            for old in rotated.dropLast() {
                let out = try Proc.run("/bin/gzip", [folder + "/" + old], timeout: 20)
                #expect(out.status == 0, "gzip: \(out.stderr)")
            }
            rotations += 1
            try fm.moveItem(atPath: log, toPath: log + ".20261207-1506\(String(format: "%02d", 10 + rotations))")
            _ = fm.createFile(atPath: log, contents: nil)
        }

        /// The pod is deleted: the kubelet removes its link and its log folder.
        func remove() throws {
            try FileManager.default.removeItem(atPath: link)
            try FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent)
        }
    }

    /// Writes CRI records of requests into pods' logs; knows what it wrote per class.
    final class Writer {
        var classes: [String: Int] = [:]
        var serial = 0

        /// `count` requests into `pod`, 50 to a write; every 7th split in three `P`/`P`/`F` parts,
        /// every 5th followed by a stderr line. A failing pod answers 502 to 60% of requests; the
        /// others 200, 301 and 404. `counted: false` for a pod the input must not take.
        func write(_ pod: Pod, count: Int, failing: Bool = false, counted: Bool = true) throws {
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: pod.log))
            defer { try? h.close() }
            h.seekToEndOfFile()
            var batch = ""
            for k in 0..<count {
                serial += 1
                let status = failing && k % 5 < 3 ? 502 : [200, 200, 200, 404, 301][serial % 5]
                if counted { classes["\(status / 100)xx", default: 0] += 1 }
                let line = "10.0.0.\(serial % 250) - - [\(AccessLines.timeLocal(Date()))] \"GET /p/\(serial) HTTP/1.1\" \(status) 12 \"-\" \"kube-probe/1.29\""
                if serial % 7 == 3 {
                    let u = Array(line.utf8), a = u.count / 3, b = 2 * u.count / 3
                    batch += ContainerLogTests.RuntimeWriter.stampedCRI(String(decoding: u[..<a], as: UTF8.self), partial: true)
                    batch += ContainerLogTests.RuntimeWriter.stampedCRI(String(decoding: u[a..<b], as: UTF8.self), partial: true)
                    batch += ContainerLogTests.RuntimeWriter.stampedCRI(String(decoding: u[b...], as: UTF8.self), partial: false)
                } else {
                    batch += ContainerLogTests.RuntimeWriter.stampedCRI(line, partial: false)
                }
                if serial % 5 == 0 {
                    batch += ContainerLogTests.RuntimeWriter.stampedCRI("2026/12/07 15:06:42 [error] 31#31: *\(serial) upstream timed out", stream: "stderr", partial: false)
                }
                if serial % 50 == 0 {
                    h.write(Data(batch.utf8))
                    batch = ""
                    usleep(10_000)
                }
            }
            h.write(Data(batch.utf8))
        }
    }

    static func config(_ dir: TempDir) throws {
        try dir.write("statusd.yaml", """
        inputs:
          - name: web
            kubernetes: {namespace: "ingress-*", container: controller, dir: \(dir.file("containers"))}
            format: combined
            start_at: beginning
        rules:
          - {name: pod-errors, match: 5xx, rate_above: 20%, window: 10m, min_requests: 20, group_by: [pod]}
        status: {socket: \(dir.file("s.sock"))}
        state_dir: \(dir.file("state"))
        """)
    }

    static func start(_ dir: TempDir) throws -> StatusdProcess {
        let daemon = try StatusdProcess(config: dir.file("statusd.yaml"), socket: dir.file("s.sock"), dir: dir)
        #expect(daemon.waitReady(), "stderr: \(daemon.stderrText)")
        return daemon
    }

    @Test("kubelet layout: pods come and go, kubelet rotation with gzip, restart and kill -9: exact counts; group_by pod fires for the failing pod only")
    func discovery() throws {
        let dir = try TempDir("k8s")
        try Self.config(dir)
        let writer = Writer()
        let a = try Pod(dir, name: "ingress-nginx-controller-7d9f8b6c5d-x2x4q")
        let b = try Pod(dir, name: "ctrl.canary-0")
        // Not this input's: another namespace, and a container whose name starts like the one taken.
        let otherNamespace = try Pod(dir, name: "ingress-nginx-controller-7d9f8b6c5d-x2x4q", namespace: "kube-system")
        let sidecar = try Pod(dir, name: "ctrl.canary-0", container: "controller-sidecar")
        try writer.write(a, count: 300)
        try writer.write(otherNamespace, count: 200, failing: true, counted: false)

        // `statusd check` lists what the input takes now.
        let check = try Proc.run(StatusdProcess.binary, ["check", "--config", dir.file("statusd.yaml")], timeout: 20)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("2 container logs now"), "\(check.stdout)")
        #expect(check.stdout.contains("pod ingress-nginx/ctrl.canary-0 container controller: \(b.link)"), "\(check.stdout)")
        #expect(!check.stdout.contains("kube-system") && !check.stdout.contains("controller-sidecar"), "\(check.stdout)")

        var daemon = try Self.start(dir)
        try writer.write(b, count: 400)
        try writer.write(sidecar, count: 300, failing: true, counted: false)
        try a.rotate()
        try writer.write(a, count: 300)
        try a.rotate()
        try writer.write(a, count: 200)

        // A clean restart.
        #expect(daemon.stop() == 0)
        try writer.write(a, count: 150)
        daemon = try Self.start(dir)

        // A new pod appears; one that fails.
        let c = try Pod(dir, name: "ingress-nginx-controller-7d9f8b6c5d-zz9pt")
        try writer.write(c, count: 300, failing: true)
        try a.rotate()                      // the third: the first rotated file is gzipped
        try writer.write(a, count: 250)

        // kill -9, and while statusd is down: more lines, a rotation.
        daemon.signal(SIGKILL)
        daemon.process.waitUntilExit()
        try writer.write(a, count: 120)
        try a.rotate()
        try writer.write(a, count: 80)
        try writer.write(c, count: 100, failing: true)
        // The page may come from either daemon (once): before the kill, or after the restart.
        let killedStderr = daemon.stderrText
        daemon = try Self.start(dir)
        defer { daemon.stop() }

        // A pod goes: its last lines, then its link and folder are removed at once.
        try writer.write(b, count: 222)
        try b.remove()
        try writer.write(a, count: 100)
        try writer.write(c, count: 100, failing: true)

        RotationTests.expectExact(daemon, writer.classes, "kubernetes")
        for line in daemon.stderrText.split(separator: "\n") where line.contains("while statusd was down") { print("kubernetes: " + line) }
        if (try? daemon.counts("web")["2xx"]) != writer.classes["2xx"] { print("kubernetes stderr:\n" + daemon.stderrText.suffix(6000)) }
        #expect(FileManager.default.fileExists(atPath: a.log + ".20261207-150611.gz"), "the kubelet's gzip of the older rotated file happened")

        // The rule fires for the failing pod only, and says which.
        let firing = Proc.waitFor(15) {
            let alerts = (try? daemon.rule("pod-errors")?["alerts"] as? [[String: Any]]) ?? []
            return alerts.contains { $0["group"] as? String == c.name && $0["state"] as? String == "firing" }
        }
        #expect(firing)
        let alerts = (try daemon.rule("pod-errors")?["alerts"] as? [[String: Any]]) ?? []
        let firingGroups = alerts.filter { $0["state"] as? String == "firing" }.compactMap { $0["group"] as? String }
        #expect(firingGroups == [c.name], "\(alerts)")
        let fired = (killedStderr + "\n" + daemon.stderrText).split(separator: "\n").filter { $0.contains("pod-errors") && $0.contains("FIRING") }
        #expect(!fired.isEmpty && fired.allSatisfy { $0.contains("pod-errors[\(c.name)] FIRING") }, "\(fired)")

        // Status: the source kind, each file's pod and position.
        let input = try #require((try daemon.status().json["inputs"] as? [[String: Any]])?.first)
        #expect(input["source"] as? String == "kubernetes")
        #expect(input["kubernetes"] as? String == "namespace=ingress-* container=controller")
        #expect(input["wrapper"] as? String == "cri")
        let files = input["files"] as? [[String: Any]] ?? []
        let reading = files.filter { $0["state"] as? String == "reading" }
        #expect(Set(reading.compactMap { $0["pod"] as? String }) == [a.name, c.name], "\(files)")
        for f in reading {
            #expect(f["source"] as? String == "kubernetes" && f["namespace"] as? String == "ingress-nginx" && f["container"] as? String == "controller")
            #expect(f["position"] as? String == "offset \(f["offset"] as? Int ?? -1)" && f["wrapper"] as? String == "cri", "\(f)")
        }
        let text = try Proc.run(StatusdProcess.binary, ["status", "--socket", dir.file("s.sock")], timeout: 10).stdout
        #expect(text.contains("kubernetes: namespace=ingress-* container=controller, wrapper cri"), "\(text)")
        #expect(text.contains("pod ingress-nginx/\(c.name) container controller"), "\(text)")
    }
}
