import Testing
import StatusdCore
@testable import StatusdDaemon

@Suite("what a rescan decides")
struct RescanPlanTests {
    let web = InputConfig(name: "web", paths: ["/var/log/nginx/access.log*"])
    let a = FileIdentity(device: 1, inode: 10)
    let b = FileIdentity(device: 1, inode: 11)
    let c = FileIdentity(device: 1, inode: 12)

    func input(_ name: String, _ path: String, startAt: StartPosition = .end) -> InputConfig {
        var cfg = InputConfig(name: name, paths: [path])
        cfg.startAt = startAt
        return cfg
    }

    func open(_ path: String, _ id: FileIdentity, _ input: String = "web") -> RescanPlan.OpenFile {
        RescanPlan.OpenFile(path: path, identity: id, input: input)
    }

    func at(_ path: String, _ id: FileIdentity, _ input: Int = 0) -> RescanPlan.MatchedPath {
        RescanPlan.MatchedPath(path: path, identity: id, input: input)
    }

    func checkpoint(_ path: String, _ id: FileIdentity, input: String = "web", offset: UInt64) -> FileCheckpoint {
        FileCheckpoint(input: input, path: path, device: id.device, inode: id.inode, offset: offset,
                       fingerprint: Fingerprint(length: 3, hash: 42))
    }

    @Test("rotation by rename: the old file drains, the new one at the path opens from byte 0")
    func rotation() {
        let plain = input("web", "/var/log/nginx/access.log")
        let plan = RescanPlan(active: [open("/var/log/nginx/access.log", a)], draining: [],
                              matched: [at("/var/log/nginx/access.log", b)], inputs: [plain],
                              scannedInputs: ["web"], resume: [:])
        #expect(plan.keep.isEmpty)
        #expect(plan.drain == ["/var/log/nginx/access.log"])
        #expect(plan.steps == [.open(path: "/var/log/nginx/access.log", input: 0, from: .beginning)])
    }

    @Test("a file renamed to another matching name keeps following, at its new path")
    func renamedWithinGlob() {
        let plan = RescanPlan(active: [open("/var/log/nginx/access.log", a)], draining: [],
                              matched: [at("/var/log/nginx/access.log", b), at("/var/log/nginx/access.log.1", a)],
                              inputs: [web], scannedInputs: ["web"], resume: [:])
        #expect(plan.keep == [.init(from: "/var/log/nginx/access.log", to: "/var/log/nginx/access.log.1")])
        #expect(plan.drain.isEmpty)
        #expect(plan.steps == [.open(path: "/var/log/nginx/access.log", input: 0, from: .beginning)])
    }

    @Test("an unchanged file is kept where it is and not opened again")
    func unchanged() {
        let plan = RescanPlan(active: [open("/var/log/nginx/access.log", a)], draining: [],
                              matched: [at("/var/log/nginx/access.log", a)], inputs: [web],
                              scannedInputs: ["web"], resume: [:])
        #expect(plan.keep == [.init(from: "/var/log/nginx/access.log", to: "/var/log/nginx/access.log")])
        #expect(plan.drain.isEmpty && plan.steps.isEmpty && plan.rotatedWhileDown.isEmpty)
    }

    @Test("first sight of an input: start_at end opens at the end, beginning at byte 0; later files from byte 0")
    func firstSight() {
        let inputs = [input("tail", "/l/a.log"), input("all", "/l/b.log", startAt: .beginning)]
        let matched = [at("/l/a.log", a, 0), at("/l/b.log", b, 1)]
        let first = RescanPlan(active: [], draining: [], matched: matched, inputs: inputs, scannedInputs: [], resume: [:])
        #expect(first.steps == [.open(path: "/l/a.log", input: 0, from: .end), .open(path: "/l/b.log", input: 1, from: .beginning)])
        let later = RescanPlan(active: [], draining: [], matched: matched, inputs: inputs, scannedInputs: ["tail", "all"], resume: [:])
        #expect(later.steps == [.open(path: "/l/a.log", input: 0, from: .beginning), .open(path: "/l/b.log", input: 1, from: .beginning)])
    }

    @Test("a checkpointed file resumes at its saved offset; a checkpoint of another input is not used")
    func resumesFromCheckpoint() {
        let saved = checkpoint("/var/log/nginx/access.log", a, offset: 4096)
        let other = checkpoint("/var/log/nginx/access.log.1", b, input: "api", offset: 7)
        let plan = RescanPlan(active: [], draining: [],
                              matched: [at("/var/log/nginx/access.log", a), at("/var/log/nginx/access.log.1", b)],
                              inputs: [web], scannedInputs: ["web"], resume: [a: saved, b: other])
        #expect(plan.steps == [.open(path: "/var/log/nginx/access.log", input: 0, from: .saved(saved)),
                               .open(path: "/var/log/nginx/access.log.1", input: 0, from: .beginning)])
        #expect(plan.rotatedWhileDown.isEmpty)
    }

    @Test("a checkpointed file at no matched path was rotated while down: finished first, if its input is configured")
    func rotatedWhileDown() {
        let gone = checkpoint("/var/log/nginx/access.log", a, offset: 100)
        let orphan = checkpoint("/var/log/old/x.log", c, input: "removed", offset: 5)
        let plain = input("web", "/var/log/nginx/access.log")
        let plan = RescanPlan(active: [], draining: [], matched: [at("/var/log/nginx/access.log", b)],
                              inputs: [plain], scannedInputs: ["web"], resume: [a: gone, c: orphan])
        #expect(plan.rotatedWhileDown == [.init(checkpoint: gone, input: 0)])
        #expect(plan.steps == [.open(path: "/var/log/nginx/access.log", input: 0, from: .beginning)])
    }

    @Test("a draining file renamed back to a matched name becomes active again, not reopened")
    func renamedBack() {
        let plan = RescanPlan(active: [], draining: [c, a], matched: [at("/var/log/nginx/access.log", a)],
                              inputs: [web], scannedInputs: ["web"], resume: [:])
        #expect(plan.steps == [.reactivate(a, path: "/var/log/nginx/access.log")])
        #expect(plan.drain.isEmpty)
    }

    @Test("a file that moved to another input's path drains, and is taken up again rather than opened twice")
    func otherInputsPath() {
        let inputs = [input("web", "/l/web.log"), input("api", "/l/api.log")]
        let plan = RescanPlan(active: [open("/l/web.log", a, "web")], draining: [],
                              matched: [at("/l/api.log", a, 1)], inputs: inputs, scannedInputs: ["web", "api"], resume: [:])
        #expect(plan.drain == ["/l/web.log"])
        #expect(plan.steps == [.reactivate(a, path: "/l/api.log")])
    }

    @Test("two inputs matching one path: the first input gets it")
    func samePathTwice() {
        let inputs = [input("one", "/l/a.log"), input("two", "/l/*.log")]
        let plan = RescanPlan(active: [], draining: [], matched: [at("/l/a.log", a, 0), at("/l/a.log", a, 1)],
                              inputs: inputs, scannedInputs: ["one", "two"], resume: [:])
        #expect(plan.steps == [.open(path: "/l/a.log", input: 0, from: .beginning)])
    }
}
