import ArgumentParser
import Foundation
import StatusdCore

/// Writes a deterministic, realistic access log (combined, nginx-json, CloudFront) for benchmarks
/// and comparisons: the same options give the same bytes.
struct Gen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a deterministic access log (combined, nginx-json, cloudfront) with a status mix and incidents.",
        discussion: """
        Lines are spread evenly at --rate lines per second of log time from --start; 1% of lines are
        stamped a second early, as nginx does for requests that end in the next second. An incident
        OFFSET+DURATION:CODE:SHARE gives SHARE of the requests in that span the code, for example
        --incident 600+120:502:30% (repeatable).
        """)

    @Option(help: "combined, nginx-json, cloudfront or nginx-custom (read with format: nginx and LogGenerator.nginxCustomFormat).")
    var format: String = "combined"

    @Option(help: "Number of lines.")
    var lines: Int = 1_000_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Lines per second of log time.")
    var rate: Int = 300

    @Option(help: "Unix second of the first line (default 2026-11-20T10:00:00Z).")
    var start: Int64 = 1_795_168_800

    @Option(help: "OFFSET+DURATION:CODE:SHARE, e.g. 600+120:502:30% (repeatable).")
    var incident: [String] = []

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.")
    var output: String?

    func run() throws {
        guard let f = LogGenerator.Format(rawValue: format) else {
            throw ValidationError("unknown format `\(format)`; one of \(LogGenerator.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let incidents = try incident.map { text in
            guard let i = LogGenerator.Incident(text) else { throw ValidationError("bad --incident `\(text)`: OFFSET+DURATION:CODE:SHARE, e.g. 600+120:502:30%") }
            return i
        }
        guard lines >= 0, rate > 0 else { throw ValidationError("--lines must be 0 or more and --rate above 0") }
        let fd: Int32 = output.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) } ?? 1
        guard fd >= 0 else { throw ValidationError("cannot write \(output!)") }
        defer { if output != nil { close(fd) } }
        var generator = LogGenerator(format: f, seed: seed, start: start, linesPerSecond: rate, incidents: incidents)
        var buffer = generator.header()
        buffer.reserveCapacity(4 << 20)
        for i in 0..<lines {
            generator.appendLine(i, to: &buffer)
            if buffer.count >= 4 << 20 { try write(fd, &buffer) }
        }
        try write(fd, &buffer)
    }

    private func write(_ fd: Int32, _ buffer: inout [UInt8]) throws {
        try buffer.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = Foundation.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 { if errno == EINTR { continue }; throw ValidationError("write failed: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
