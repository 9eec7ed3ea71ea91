import Foundation
import Testing

/// `statusd replay` on inputs it can lose or that never end: a file truncated while it is read, a
/// cut-off or padded `.gz`, a device, a FIFO, and standard input given as `-`. Each is a clear error
/// (exit non-zero, a word on stderr, never a signal) or, for `-`, read like a file.
@Suite("statusd replay inputs")
struct ReplayInputTests {
    static let apache = Fixtures.packageRoot + "/../shared/realdata/apache/elastic-examples_apache_logs.log"
    /// What the apache file holds (see realdata/README.md): 9,126 of 200 among 10,000 lines.
    static let apache200 = 9126

    struct Ended {
        var status: Int32
        var signaled: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs replay with `input` on its standard input (or /dev/null), bounded by `timeout`.
    func run(_ args: [String], input: Data? = nil, timeout: Double = 60, whileRunning: ((Process) throws -> Void)? = nil) throws -> Ended {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: StatusdProcess.binary)
        p.arguments = ["replay"] + args
        // replay may stop reading its standard input early (an error): the write then fails with
        // EPIPE instead of SIGPIPE ending the whole test process.
        signal(SIGPIPE, SIG_IGN)
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        try p.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        Thread.detachNewThread { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        Thread.detachNewThread { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let input {
            Thread.detachNewThread {
                try? inp.fileHandleForWriting.write(contentsOf: input)
                try? inp.fileHandleForWriting.close()
            }
        }
        try whileRunning?(p)
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(10_000) }
        let timedOut = p.isRunning
        if timedOut { p.terminate() }
        p.waitUntilExit()
        group.wait()
        #expect(!timedOut, "replay \(args) still ran after \(timeout) s")
        return Ended(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                     stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    func codes(_ out: Ended) -> [String: Int] {
        let doc = (try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))) as? [String: Any]
        return doc?["codes"] as? [String: Int] ?? [:]
    }

    /// A combined log of `megabytes` MiB, one line repeated: large enough that replay is still
    /// reading it when the test cuts it.
    func bigLog(_ dir: TempDir, megabytes: Int) throws -> String {
        let line = Array("10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" \"curl/8\"\n".utf8)
        var block = [UInt8]()
        block.reserveCapacity(1 << 20 + line.count)
        while block.count < 1 << 20 { block += line }
        let path = dir.file("big.log")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        for _ in 0..<megabytes { _ = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
        return path
    }

    @Test("a file truncated while replay reads it: an error naming it, never SIGBUS", arguments: ["1", "2"])
    func truncatedWhileRead(_ threads: String) throws {
        let dir = try TempDir("replaytrunc")
        let log = try bigLog(dir, megabytes: 256)
        let size = (try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        var cut = false
        let out = try run(["--json", "--threads", threads, "--format", "combined", log], timeout: 300) { p in
            // Cut the file once replay has mapped it: to 1 MiB, as a copytruncate rotation would to 0.
            let mapped = Proc.waitFor(30) {
                ((try? String(contentsOfFile: "/proc/\(p.processIdentifier)/maps", encoding: .utf8)) ?? "").contains(log)
            }
            if mapped, p.isRunning { cut = truncate(log, 1 << 20) == 0 }
        }
        #expect(cut, "the file was cut while replay ran")
        #expect(!out.signaled, "replay ended by a signal (\(out.status)): \(out.stderr)")
        #expect(out.status != 0, "stdout: \(out.stdout.prefix(300))")
        #expect(out.stderr.contains("big.log: the file shrank from \(size) to 1048576 bytes while it was read"), "stderr: \(out.stderr)")
        #expect(out.stdout.isEmpty, "no counts from a file that was cut")
    }

    @Test("a cut-off .gz and a .gz with trailing garbage are errors; two members concatenated read whole")
    func gzipDamage() throws {
        let dir = try TempDir("replaygzbad")
        try FileManager.default.copyItem(atPath: Self.apache, toPath: dir.file("access.log"))
        _ = try Proc.run("/bin/gzip", ["-9", "-k", dir.file("access.log")])
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir.file("access.log.gz")))

        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.log.gz")))
        let cut = try run(["--json", dir.file("cut.log.gz")])
        #expect(!cut.signaled && cut.status != 0, "stdout: \(cut.stdout.prefix(300))")
        #expect(cut.stderr.contains("cut.log.gz: truncated gzip data"), "stderr: \(cut.stderr)")
        #expect(cut.stdout.isEmpty)

        // Cut inside the 8-byte trailer (checksum and length): every line inflates, the check cannot.
        try whole.prefix(whole.count - 3).write(to: URL(fileURLWithPath: dir.file("trailer.log.gz")))
        let trailer = try run(["--json", dir.file("trailer.log.gz")])
        #expect(trailer.status != 0 && trailer.stderr.contains("trailer.log.gz: truncated gzip data"), "stderr: \(trailer.stderr)")

        try (whole + Data("garbage after the end\n".utf8)).write(to: URL(fileURLWithPath: dir.file("junk.log.gz")))
        let junk = try run(["--json", dir.file("junk.log.gz")])
        #expect(!junk.signaled && junk.status != 0)
        #expect(junk.stderr.contains("junk.log.gz: trailing garbage after the gzip data"), "stderr: \(junk.stderr)")
        #expect(junk.stdout.isEmpty)

        var flipped = whole
        flipped[whole.count / 2] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: dir.file("flipped.log.gz")))
        let corrupt = try run(["--json", dir.file("flipped.log.gz")])
        #expect(corrupt.status != 0 && corrupt.stderr.contains("flipped.log.gz: corrupt gzip data"), "stderr: \(corrupt.stderr)")

        try (whole + whole).write(to: URL(fileURLWithPath: dir.file("twice.log.gz")))
        let twice = try run(["--json", dir.file("twice.log.gz")])
        #expect(twice.status == 0, "stderr: \(twice.stderr)")
        #expect(codes(twice)["200"] == 2 * Self.apache200)
    }

    @Test("a device and a FIFO are refused at once; - reads standard input, plain or gzip")
    func nonRegularAndStandardInput() throws {
        let dir = try TempDir("replaystdin")
        let zero = try run(["--json", "/dev/zero"], timeout: 20)
        #expect(zero.status != 0 && !zero.signaled)
        #expect(zero.stderr.contains("/dev/zero: not a regular file (a character device)"), "stderr: \(zero.stderr)")
        #expect(zero.stderr.contains("standard input given as -"))

        #expect(mkfifo(dir.file("fifo"), 0o644) == 0)
        let fifo = try run(["--json", dir.file("fifo")], timeout: 20)
        #expect(fifo.status != 0 && fifo.stderr.contains("fifo: not a regular file (a FIFO)"), "stderr: \(fifo.stderr)")

        let plain = try Data(contentsOf: URL(fileURLWithPath: Self.apache))
        let fromFile = try run(["--json", Self.apache])
        let fromStdin = try run(["--json", "-"], input: plain)
        #expect(fromStdin.status == 0, "stderr: \(fromStdin.stderr)")
        #expect(codes(fromStdin)["200"] == Self.apache200)
        #expect(codes(fromStdin) == codes(fromFile))

        try plain.write(to: URL(fileURLWithPath: dir.file("access.log")))
        _ = try Proc.run("/bin/gzip", ["-9", dir.file("access.log")])
        let gz = try Data(contentsOf: URL(fileURLWithPath: dir.file("access.log.gz")))
        let gzStdin = try run(["--json", "-"], input: gz)
        #expect(gzStdin.status == 0, "stderr: \(gzStdin.stderr)")
        #expect(codes(gzStdin) == codes(fromFile))
        let cutStdin = try run(["--json", "-"], input: gz.prefix(gz.count / 3))
        #expect(cutStdin.status != 0 && cutStdin.stderr.contains("standard input: truncated gzip data"), "stderr: \(cutStdin.stderr)")
    }
}
