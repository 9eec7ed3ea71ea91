import Foundation
import Glibc
import Logging
import StatusdCore
import Testing
@testable import StatusdDaemon

/// The tailer with fewer descriptors than files (real files, real inotify): every line counted
/// once, files that cannot be opened wait with their offsets and show as waiting, idle files are
/// closed and reopened where they were.
@Suite("tailing more files than descriptors", .serialized)
struct TailerDescriptorTests {
    struct Codes: LineSink {
        var codes: [UInt16: Int] = [:]
        var other = 0
        mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) {
            if case .entry(let s, _) = result { codes[s.rawValue, default: 0] += 1 } else { other += 1 }
        }
    }

    static func line(_ code: Int) -> String {
        "127.0.0.1 - - [20/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" \(code) 5 \"-\" \"t\"\n"
    }

    func append(_ path: String, _ text: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test("40 files, 0 then 5 descriptors: waiting files show in status, then every line counts once; idle files close and resume at their offset")
    func waitingThenRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tailer-fd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // File i holds lines of its own code, 200 + i, i + 1 of them.
        for i in 0..<40 {
            try String(repeating: Self.line(200 + i), count: i + 1).write(toFile: "\(dir)/f\(i).log", atomically: false, encoding: .utf8)
        }
        var input = InputConfig(name: "web", paths: ["\(dir)/*.log"])
        input.startAt = .beginning
        input.closeInactiveSeconds = 5
        let tailer = Tailer(logger: Logger(label: "test"))
        // No descriptor to spare at first (as when the process is at its limit).
        tailer.budgetCap = 0
        var sink = Codes()
        let openBefore = TailedFile.openCount
        tailer.configure([input], into: &sink, now: 1000)
        tailer.tick(into: &sink, now: 1001, fullScan: false)
        #expect(TailedFile.openCount == openBefore)
        // Every file waits, each with its offset (0: start_at beginning) kept, in status and checkpoints.
        let waiting = tailer.waitingFiles(for: "web")
        #expect(waiting.count == 40)
        #expect(waiting.allSatisfy { $0.error.contains("descriptors") && $0.since == CivilTime.iso8601(1000) })
        #expect(tailer.reports(for: "web").filter { $0.state == "waiting" && $0.offset == 0 }.count == 40)
        #expect(tailer.checkpoints.count == 40 && tailer.checkpoints.allSatisfy { $0.offset == 0 })
        #expect(sink.codes.isEmpty && tailer.draining.isEmpty)

        // Five descriptors: the files are read in turn, never more than five open, none taken for a rotation.
        tailer.budgetCap = 5
        for t in 2...4 {
            tailer.tick(into: &sink, now: 1000 + Int64(t), fullScan: true)
            #expect(TailedFile.openCount - openBefore <= 5)
        }
        #expect(tailer.waitingFiles(for: "web").isEmpty)
        #expect(tailer.draining.isEmpty)
        for i in 0..<40 { #expect(sink.codes[UInt16(200 + i)] == i + 1, "code \(200 + i)") }
        #expect(sink.other == 0)

        // Appends to closed files: read once each, from where they were.
        for i in 0..<40 { try append("\(dir)/f\(i).log", Self.line(300 + i)) }
        for t in 4...6 {
            tailer.handleEvents(into: &sink, now: 1000 + Int64(t))
            tailer.tick(into: &sink, now: 1000 + Int64(t), fullScan: t == 6)
        }
        for i in 0..<40 {
            #expect(sink.codes[UInt16(200 + i)] == i + 1 && sink.codes[UInt16(300 + i)] == 1, "file \(i)")
        }
        // Idle past close_inactive: every file is closed, offsets kept.
        tailer.tick(into: &sink, now: 1100, fullScan: true)
        #expect(TailedFile.openCount == openBefore)
        #expect(tailer.reports(for: "web").allSatisfy { $0.state == "idle" && $0.offset == $0.size })

        // A file replaced while closed is read from its start as a new file; the old one is not read again.
        try FileManager.default.moveItem(atPath: "\(dir)/f0.log", toPath: "\(dir)/f0.log.1")
        try Self.line(555).write(toFile: "\(dir)/f0.log", atomically: false, encoding: .utf8)
        try append("\(dir)/f1.log", Self.line(556))
        for t in 0..<8 {
            tailer.handleEvents(into: &sink, now: 1101 + Int64(t))
            tailer.tick(into: &sink, now: 1101 + Int64(t), fullScan: true)
        }
        #expect(sink.codes[555] == 1 && sink.codes[556] == 1)
        #expect(sink.codes[200] == 1 && sink.codes[300] == 1 && sink.codes[201] == 2)
        #expect(sink.other == 0)
        withExtendedLifetime(tailer) {}
    }
}
