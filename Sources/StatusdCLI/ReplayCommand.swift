import ArgumentParser
import Foundation
import StatusdClient
import StatusdCore
import StatusdFiles

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the rules over existing logs (plain or .gz) in event time and print counts and the alert timeline.",
        discussion: """
        The format is --format, else that of the config input whose path matches the file, else auto.
        Rules come from --config (or /etc/statusd/statusd.yaml when it exists), else the defaults:
        5xx above 5%, 52x above 1% and aborts above 10% over 5m with 20 requests at least.
        """)

    @Option(name: .shortAndLong, help: "A config for rules and input formats.")
    var config: String?

    @Option(help: "The log format (\(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))).")
    var format: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also draw each rule's figure over time, its limit and its alerts, to this SVG file.")
    var chart: String?

    @Option(help: "Threads for large plain files, split at line boundaries (default: the cores; 1: one thread).")
    var threads: Int?

    @Argument(help: "Log files, rotated and .gz ones too, in time order; - reads standard input (plain or gzip).")
    var files: [String]

    func run() throws {
        let cfg = try loadConfig()
        var forced: LogFormat?
        if let format {
            guard let f = LogFormat(rawValue: format) else {
                throw ValidationError("unknown format `\(format)`; one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            forced = f
        }
        // Every file's format and options first, so a missing regex pattern stops before any output.
        let plans: [FilePlan]
        do {
            plans = try files.map { try Self.plan($0, forced: forced, config: cfg) }
        } catch let problem as FormatProblem {
            StandardError.write("statusd replay: \(problem)\n")
            throw ExitCode.validationFailure
        }
        var session = ReplaySession(rules: cfg?.rules ?? Self.defaultRules, chart: chart != nil)
        var reports: [ReplayReport.File] = []
        let progress = isatty(2) != 0
        for (path, plan) in zip(files, plans) {
            let format = plan.format
            var decoder = FileDecoder(format: format, options: plan.options, maxLineBytes: plan.maxLineBytes)
            let reader: LogFileReader
            do { reader = try LogFileReader(path: path) } catch {
                StandardError.write("statusd replay: \(error)\n")
                throw ExitCode.validationFailure
            }
            let before = session.lines
            let meter = ProgressMeter(path: path, size: reader.size, enabled: progress)
            session.readLabels(as: format, options: plan.options)
            if session.needsLines {
                // Rules grouped by labels read each line's bytes: one by one, on one thread.
                try reader.forEachChunk { chunk in
                    decoder.decode(chunk, input: 0, arrival: 0, into: &session)
                    meter.update(position: reader.position, lines: session.lines - before)
                }
                decoder.flush(input: 0, arrival: 0, into: &session)
                meter.done()
                reports.append(.init(path: path, format: format.rawValue, detectedFormat: decoder.detectedFormat?.rawValue,
                                     lines: session.lines - before))
                continue
            }
            if let detected = try Self.replayInParts(reader, plan: plan, threads: threads, into: &session) {
                reports.append(.init(path: path, format: format.rawValue, detectedFormat: detected?.rawValue,
                                     lines: session.lines - before))
                continue
            }
            let runs = SecondRuns()
            try reader.forEachChunk { chunk in
                decoder.tally(chunk, into: runs)
                session.add(runs)
                meter.update(position: reader.position, lines: session.lines - before)
            }
            decoder.flush(into: runs)
            runs.close()
            session.add(runs)
            meter.done()
            reports.append(.init(path: path, format: format.rawValue, detectedFormat: decoder.detectedFormat?.rawValue,
                                 lines: session.lines - before))
        }
        session.finish()
        try writeChart(session)
        let report = ReplayReport(session: session, files: reports)
        if json {
            print(String(decoding: StatusJSON.encode(report), as: UTF8.self), terminator: "")
        } else {
            print(report.renderText(), terminator: "")
        }
    }

    private func loadConfig() throws -> StatusdConfig? {
        let path = config ?? (FileManager.default.fileExists(atPath: StatusdConfig.defaultPath) ? StatusdConfig.defaultPath : nil)
        guard let path else { return nil }
        switch ConfigFile.load(path) {
        case .success(let c): return c
        case .failure(let e):
            StandardError.write(e.errors.map { SafeText.field($0.description) }.joined(separator: "\n") + "\n")
            throw ExitCode(1)
        }
    }

    static let defaultRules: [Rule] = [
        Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05),
        Rule(name: "origin-errors", match: try! StatusSet.parse(["52x"]).get(), rateAbove: 0.01),
        Rule(name: "client-aborts", match: try! StatusSet.parse(["aborts"]).get(), rateAbove: 0.10),
    ]

    /// A file matches an input path exactly, by glob, or as a rotation of it (`access.log.1`, `.gz`).
    static func matches(_ file: String, _ patterns: [String]) -> Bool {
        patterns.contains { p in
            fnmatch(p, file, 0) == 0 || file.hasPrefix(p + ".") || file.hasPrefix(p + "-") || fnmatch(p + "[.-]*", file, 0) == 0
        }
    }
}

/// Bytes, lines/s and time left on stderr, for large files on a terminal.
final class ProgressMeter {
    let path: String
    let size: UInt64
    let enabled: Bool
    let start = Date()
    var last = Date.distantPast
    var shown = false

    init(path: String, size: UInt64, enabled: Bool) {
        self.path = path
        self.size = size
        self.enabled = enabled && size > 32 << 20
    }

    func update(position: UInt64, lines: UInt64) {
        guard enabled, Date().timeIntervalSince(last) >= 0.5 else { return }
        last = Date()
        let elapsed = max(0.001, Date().timeIntervalSince(start))
        let rate = Double(lines) / elapsed
        let left = position > 0 ? elapsed * Double(size - min(size, position)) / Double(position) : 0
        StandardError.write("\r\(path): \(position >> 20) of \(size >> 20) MiB, \(Count.format(UInt64(rate))) lines/s, \(Int(left))s left   ")
        shown = true
    }

    func done() { if shown { StandardError.write("\n") } }
}
