import Foundation

/// Runs programs for the integration tests: the statusd binary, journalctl, curl, nginx.
enum Proc {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion (bounded by `timeout` seconds) and captures the output.
    @discardableResult
    static func run(_ path: String, _ args: [String], timeout: Double = 60) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read before waiting: a full pipe would block the child. On threads of their own: with
        // many tests running processes at once, GCD's pool of workers can be all blocked in
        // reads, and a pipe nobody serves then hangs its child until the timeout.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        Thread.detachNewThread { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        Thread.detachNewThread { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The first program of `names` found on PATH or in the usual sbin folders.
    static func which(_ names: String...) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/lib/systemd"]
        for name in names {
            if name.hasPrefix("/") { if FileManager.default.isExecutableFile(atPath: name) { return name } else { continue } }
            for d in dirs where FileManager.default.isExecutableFile(atPath: d + "/" + name) { return d + "/" + name }
        }
        return nil
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    static func waitFor(_ timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(50_000)
        } while Date() < deadline
        return try condition()
    }
}

/// A temporary folder, removed at the end of the test.
final class TempDir {
    let path: String

    init(_ label: String) throws {
        path = NSTemporaryDirectory() + "statusd-it-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: false, encoding: .utf8)
    }

    func append(_ name: String, _ text: String) throws {
        let fd = open(file(name), O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            guard n > 0 else { throw CocoaError(.fileWriteUnknown) }
            off += n
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Combined log lines stamped now, for driving the daemon.
enum AccessLines {
    static func make(_ status: Int, count: Int, at date: Date = Date()) -> String {
        let stamp = timeLocal(date)
        return String(repeating: "127.0.0.1 - - [\(stamp)] \"GET /x HTTP/1.1\" \(status) 12 \"-\" \"it\"\n", count: count)
    }

    static func timeLocal(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
        return f.string(from: date)
    }
}
