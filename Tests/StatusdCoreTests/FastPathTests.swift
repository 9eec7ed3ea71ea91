import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The fast paths give exactly what the plain ones gave: the memchr parsers and time caches against
/// the byte-loop parsers they replaced, replay in per-second runs against line by line, and a file
/// split in parts on threads against one go (JSON, W3C and CloudFront: SplitTallyFormatTests).
@Suite("fast paths give the same results")
struct FastPathTests {
    // MARK: parsers against their references

    /// The lines of every real file and fixture, in file order.
    static func realLines() throws -> [(file: String, lines: [[UInt8]])] {
        var out: [(String, [[UInt8]])] = []
        for e in FormatTests.realFiles + FormatTests.fixtures {
            let path = e.file.contains("/") ? Fixtures.realdata + "/" + e.file : Fixtures.packageRoot + "/Tests/Fixtures/formats/" + e.file
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            out.append((e.file, data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }))
        }
        return out
    }

    /// Lines to compare on: every real line, generated lines of each format, and mutations of
    /// them with the bytes the parsers look for.
    static func corpus() throws -> [[UInt8]] {
        var lines = try realLines().flatMap(\.lines)
        for format in LogGenerator.Format.allCases {
            var g = LogGenerator(format: format, seed: 3, linesPerSecond: 3)
            var out = g.header()
            for i in 0..<300 { g.appendLine(i, to: &out) }
            lines += out.split(separator: 0x0A).map { Array($0) }
        }
        var rng = SplitMix64(seed: 0xFA57)
        let special: [UInt8] = Array("\"\\[]{}: \t-0123456789#|/,x".utf8)
        let seeds = lines
        for _ in 0..<40_000 {
            var line = seeds[Int(rng.next() % UInt64(seeds.count))]
            if rng.next() % 4 == 0 { line = Array(line.prefix(Int(rng.next() % UInt64(line.count + 1)))) }
            for _ in 0..<Int(1 + rng.next() % 4) where !line.isEmpty {
                let at = Int(rng.next() % UInt64(line.count))
                let b = special[Int(rng.next() % UInt64(special.count))]
                switch rng.next() % 3 {
                case 0: line[at] = b
                case 1: line.insert(b, at: at)
                default: line.insert(contentsOf: [UInt8](repeating: ASCII.backslash, count: Int(1 + rng.next() % 3)), at: at)
                }
            }
            lines.append(line)
        }
        return lines
    }

    static func same<A: LineParser, B: LineParser>(_ a: inout A, _ b: inout B, _ lines: [[UInt8]]) -> Int {
        var differences = 0
        for line in lines {
            let x = line.withUnsafeBytes { a.parse($0) }
            let y = line.withUnsafeBytes { b.parse($0) }
            if x != y {
                differences += 1
                if differences < 5 { Issue.record("\(String(decoding: line, as: UTF8.self)): \(x) against \(y)") }
            }
        }
        return differences
    }

    @Test("combined: memchr quotes and the time cache read every line as the byte loop did")
    func combined() throws {
        var fast = CombinedParser(), reference = ReferenceCombinedParser()
        #expect(Self.same(&fast, &reference, try Self.corpus()) == 0)
    }

    @Test("JSON: the flat key scanner and memchr strings read every line as before", arguments: [
        LogFormat.nginxJSON, .caddy, .cloudflare, .traefik, .akamai, .json,
    ])
    func json(_ format: LogFormat) throws {
        let keys = JSONParser.preset(format)
        var fast = JSONParser(statusKeys: keys.status, timeKeys: keys.time)
        var reference = ReferenceJSONParser(statusKeys: keys.status, timeKeys: keys.time)
        #expect(Self.same(&fast, &reference, try Self.corpus()) == 0)
        // Dotted paths too.
        var fastDotted = JSONParser(statusKeys: ["request.status", "status"], timeKeys: ["request.ts", "ts"])
        var referenceDotted = ReferenceJSONParser(statusKeys: ["request.status", "status"], timeKeys: ["request.ts", "ts"])
        #expect(Self.same(&fastDotted, &referenceDotted, try Self.corpus()) == 0)
    }

    @Test("W3C and CloudFront: the split up to the needed field and the time cache read every line as before")
    func w3c() throws {
        var fast = W3CParser(), reference = ReferenceW3CParser()
        #expect(Self.same(&fast, &reference, try Self.corpus()) == 0)
        var fastCF = W3CParser(defaultFields: W3CParser.cloudFrontFields)
        var referenceCF = ReferenceW3CParser(defaultFields: W3CParser.cloudFrontFields)
        #expect(Self.same(&fastCF, &referenceCF, try Self.corpus()) == 0)
        // File by file, headers and all.
        for (_, lines) in try Self.realLines() {
            var a = W3CParser(), b = ReferenceW3CParser()
            #expect(Self.same(&a, &b, lines) == 0)
        }
    }

    @Test("a container prefix is found as before")
    func containerPrefix() throws {
        for line in try Self.corpus() {
            line.withUnsafeBytes { p in #expect(LinePrefix.containerEnd(p) == ReferencePrefix.containerEnd(p)) }
        }
    }

    // MARK: replay in runs and in parts

    /// A generated log with an incident, late lines, lines without a time, blank and garbage lines.
    static func mixedLog(lines: Int, seed: UInt64) -> [UInt8] {
        var g = LogGenerator(format: .combined, seed: seed, linesPerSecond: 40,
                             incidents: [LogGenerator.Incident(offset: 200, duration: 120, code: 502, share: 0.3),
                                         LogGenerator.Incident(offset: 700, duration: 60, code: 499, share: 0.5)])
        var out: [UInt8] = Array("no time here \"GET / HTTP/1.1\" 200 1\n".utf8)
        var rng = SplitMix64(seed: seed)
        for i in 0..<lines {
            g.appendLine(i, to: &out)
            switch rng.next() % 500 {
            case 0: out += Array("\n".utf8)
            case 1: out += Array("garbage line\n".utf8)
            case 2: out += Array("10.0.0.1 - - \"GET /x HTTP/1.1\" 503 5\n".utf8)
            case 3: out += Array("10.0.0.1 - - [19/Nov/2026:09:40:00 +0000] \"GET /late HTTP/1.1\" 500 5\n".utf8)
            default: break
            }
        }
        out += Array("a last line without its newline".utf8)
        return out
    }

    static let rules = [
        Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: 60, forSeconds: 10),
        Rule(name: "client-aborts", match: try! StatusSet.parse(["aborts"]).get(), rateAbove: 0.10, window: 300),
        Rule(name: "long", match: try! StatusSet.parse(["502"]).get(), rateAbove: 0.02, window: 3600),
    ]

    struct Outcome: Equatable {
        var lines: UInt64, withoutTime: UInt64, watermark: Int64?, first: Int64?
        var timeline: [AlertTransition]
        var totals: StatusCounts, tooLate: UInt64, window: StatusWindow
    }

    static func outcome(_ s: ReplaySession) -> Outcome {
        Outcome(lines: s.lines, withoutTime: s.linesWithoutTime, watermark: s.watermark, first: s.firstTime,
                timeline: s.timeline, totals: s.tally.totals, tooLate: s.tally.tooLate, window: s.tally.window)
    }

    /// Line by line, the way replay read before.
    static func lineByLine(_ bytes: [UInt8], _ format: LogFormat, chunk: Int) -> Outcome {
        var session = ReplaySession(rules: rules)
        var decoder = FileDecoder(format: format)
        forEachChunk(of: bytes, size: chunk) { decoder.parse($0) { session.add($0) } }
        decoder.flush { session.add($0) }
        session.finish()
        return outcome(session)
    }

    @Test("replay in per-second runs gives the same counts, window and timeline as line by line", arguments: [4096, 1 << 20])
    func runs(chunk: Int) {
        let bytes = Self.mixedLog(lines: 60_000, seed: 11)
        let expected = Self.lineByLine(bytes, .combined, chunk: 1 << 16)
        #expect(expected.timeline.count >= 4, "the log makes rules fire and resolve")
        #expect(expected.withoutTime > 0 && expected.tooLate > 0 && expected.totals.unparsed > 0 && expected.totals.ignored > 0)
        var session = ReplaySession(rules: Self.rules)
        var decoder = FileDecoder(format: .combined)
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { piece in
            decoder.tally(piece, into: runs)
            session.add(runs)
        }
        decoder.flush(into: runs)
        runs.close()
        session.add(runs)
        session.finish()
        #expect(Self.outcome(session) == expected)
    }

    @Test("a file split in parts on threads gives what one go gives", arguments: [
        (LogFormat.combined, 2), (.combined, 3), (.combined, 7), (.auto, 2), (.auto, 5),
    ])
    func parts(_ format: LogFormat, _ threads: Int) throws {
        // Large enough for auto to decide in the first part (it looks at the first megabyte).
        let bytes = Self.mixedLog(lines: format == .auto ? 60_000 : 20_000, seed: 5)
        let expected = Self.lineByLine(bytes, format, chunk: 1 << 20)
        var session = ReplaySession(rules: Self.rules)
        var parts = 0
        let detected = bytes.withUnsafeBytes { all in
            SplitTally.tally(all, format: format, options: FormatOptions(), maxLineBytes: 64 * 1024, threads: threads) {
                session.add($0)
                parts += 1
            }
        }
        let d = try #require(detected)
        #expect(parts > 1)
        #expect(d == (format == .auto ? LogFormat.combined : nil))
        session.finish()
        #expect(Self.outcome(session) == expected)
    }

    @Test("parts end just after a newline and cover the file")
    func boundaries() {
        let bytes = Array("a\nbb\nccc\ndddd\n\neeeee".utf8)
        bytes.withUnsafeBytes { all in
            for parts in 1...8 {
                let cuts = SplitTally.boundaries(all, parts: parts)
                #expect(cuts.first == 0 && cuts.last == all.count)
                for c in cuts.dropFirst().dropLast() { #expect(all[c - 1] == 0x0A) }
                #expect(zip(cuts, cuts.dropFirst()).allSatisfy { $0 < $1 })
            }
        }
    }

    @Test("the generator is deterministic and writes what it says")
    func generator() {
        func make(_ seed: UInt64) -> [UInt8] {
            var g = LogGenerator(format: .combined, seed: seed, linesPerSecond: 10,
                                 incidents: [LogGenerator.Incident("5+10:502:100%")!])
            var out: [UInt8] = []
            for i in 0..<200 { g.appendLine(i, to: &out) }
            return out
        }
        #expect(make(1) == make(1))
        #expect(make(1) != make(2))
        var p = CombinedParser()
        var bad = 0
        for line in make(1).split(separator: 0x0A) {
            let r = Array(line).withUnsafeBytes { p.parse($0) }
            guard case .entry(let s, let t?) = r else { Issue.record("not parsed: \(String(decoding: line, as: UTF8.self))"); continue }
            if s.rawValue == 502, t >= 1_795_168_805, t < 1_795_168_815 { bad += 1 }
        }
        #expect(bad >= 95)
        #expect(LogGenerator.Incident("600+120:502:30%") == LogGenerator.Incident(offset: 600, duration: 120, code: 502, share: 0.3))
        #expect(LogGenerator.Incident("600:502") == nil)
    }
}
