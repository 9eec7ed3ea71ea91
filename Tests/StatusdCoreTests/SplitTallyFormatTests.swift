import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `replay --threads` on JSON, W3C and CloudFront: a file split in parts gives what one go gives,
/// second by second and code by code, or it is not split (nothing merged, read in one go). The
/// parts are small (16 per thread), so files are cut in many places.
@Suite("JSON, W3C and CloudFront split in parts give what one go gives")
struct SplitTallyFormatTests {
    /// Per second (or `SecondRuns.atWatermark`), per code, how many lines.
    typealias PerSecond = [Int64: [UInt16: UInt64]]

    struct Tally: Equatable {
        var outcome: FastPathTests.Outcome
        var perSecond: PerSecond
    }

    static let threadCounts = [2, 3, 4]
    static let partsPerThread = 16

    static func add(_ runs: SecondRuns, to per: inout PerSecond) {
        let entries = runs.entries
        for run in runs.runs {
            for e in entries[run.first..<(run.first + run.count)] {
                per[run.second, default: [:]][e.code, default: 0] += UInt64(e.count)
            }
        }
    }

    /// The file read in one go, the way replay reads a file it does not split.
    static func oneGo(_ bytes: [UInt8], _ format: LogFormat) -> Tally {
        var session = ReplaySession(rules: FastPathTests.rules)
        var decoder = FileDecoder(format: format)
        var per: PerSecond = [:]
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: 1 << 16) { chunk in
            decoder.tally(chunk, into: runs)
            add(runs, to: &per)
            session.add(runs)
        }
        decoder.flush(into: runs)
        runs.close()
        add(runs, to: &per)
        session.add(runs)
        session.finish()
        return Tally(outcome: FastPathTests.outcome(session), perSecond: per)
    }

    /// The file split on `threads` threads; nil when it was not split (then nothing was merged).
    static func split(_ bytes: [UInt8], _ format: LogFormat, threads: Int) -> Tally? {
        var session = ReplaySession(rules: FastPathTests.rules)
        var per: PerSecond = [:]
        var merged = 0
        let r = bytes.withUnsafeBytes { all in
            SplitTally.tally(all, format: format, options: FormatOptions(), maxLineBytes: 64 * 1024, threads: threads,
                             partsPerThread: partsPerThread) { runs in
                add(runs, to: &per)
                session.add(runs)
                merged += 1
            }
        }
        guard r != nil else {
            #expect(merged == 0, "a split thrown away merged nothing")
            return nil
        }
        #expect(merged > 1)
        session.finish()
        return Tally(outcome: FastPathTests.outcome(session), perSecond: per)
    }

    /// For 2, 3 and 4 threads: the split result, when there is one, is the one-go result;
    /// `split` says whether the file must be split (nil: either way).
    static func check(_ bytes: [UInt8], _ format: LogFormat, split expectSplit: Bool?,
                      _ note: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = oneGo(bytes, format)
        for threads in threadCounts {
            let got = split(bytes, format, threads: threads)
            if let got {
                #expect(got.perSecond == expected.perSecond, "\(format), \(threads) threads: per second and code", sourceLocation: sourceLocation)
                #expect(got.outcome == expected.outcome, "\(format), \(threads) threads: totals, window, timeline", sourceLocation: sourceLocation)
            }
            if let expectSplit {
                #expect((got != nil) == expectSplit, "\(format), \(threads) threads: split \(got != nil). \(note)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: inputs

    static let incidents = [LogGenerator.Incident(offset: 100, duration: 90, code: 502, share: 0.4),
                            LogGenerator.Incident(offset: 400, duration: 60, code: 499, share: 0.5)]

    /// Generated lines (`statusd gen`), each with its newline; CloudFront's header not included.
    static func lines(_ format: LogGenerator.Format, count: Int, seed: UInt64 = 7) -> [[UInt8]] {
        var g = LogGenerator(format: format, seed: seed, linesPerSecond: 25, incidents: incidents)
        return (0..<count).map { i in
            var line: [UInt8] = []
            g.appendLine(i, to: &line)
            return line
        }
    }

    static var cloudFrontHeader: [UInt8] { LogGenerator(format: .cloudfront, seed: 1).header() }

    /// An nginx-json line printed over several lines, as a pretty-printing export writes it: `{`
    /// alone on the first line, a field per line, `}` alone on the last.
    static func pretty(_ line: [UInt8]) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        let inner = text.dropFirst().dropLast(2)   // `{` and `}\n`
        return Array(("{\n  " + inner.replacingOccurrences(of: "\",\"", with: "\",\n  \"") + "\n}\n").utf8)
    }

    /// `lines` with `insert` placed so that the cut `index` (counted from the first one at or after
    /// `from`) of a split into `parts` falls inside it; nil if no place near that cut does.
    static func across(_ lines: [[UInt8]], insert: [UInt8], parts: Int, index: Int = 0, from: Int = 1) -> [UInt8]? {
        let base = lines.flatMap { $0 }
        let cuts = base.withUnsafeBytes { SplitTally.boundaries($0, parts: parts) }.dropFirst().dropLast().filter { $0 >= from }
        guard index < cuts.count else { return nil }
        var starts: [Int] = []
        var at = 0
        for l in lines { starts.append(at); at += l.count }
        let near = starts.lastIndex { $0 <= cuts[cuts.startIndex + index] } ?? 0
        for i in max(0, near - 40)...min(lines.count, near + 40) {
            let bytes = lines[..<i].flatMap { $0 } + insert + lines[i...].flatMap { $0 }
            let start = i == 0 ? 0 : starts[i - 1] + lines[i - 1].count
            let end = start + insert.count
            let split = bytes.withUnsafeBytes { SplitTally.boundaries($0, parts: parts) }
            if split.contains(where: { $0 > start && $0 < end && $0 >= from }) { return bytes }
        }
        return nil
    }

    // MARK: JSON

    @Test("nginx-json is split, and gives what one go gives")
    func nginxJSON() {
        let bytes = Self.lines(.nginxJSON, count: 20_000).flatMap { $0 }
        let expected = Self.oneGo(bytes, .nginxJSON)
        #expect(expected.outcome.timeline.count >= 2, "the incidents make rules fire")
        Self.check(bytes, .nginxJSON, split: true)
        Self.check(bytes, .json, split: true)
        Self.check(bytes, .auto, split: true)
    }

    @Test("JSON with a pretty-printed object across a cut is read in one go")
    func prettyAcrossCut() throws {
        let lines = Self.lines(.nginxJSON, count: 20_000)
        let object = Self.pretty(Self.lines(.nginxJSON, count: 3_000, seed: 99)[2_500])
        for threads in Self.threadCounts {
            let parts = threads * Self.partsPerThread
            for (format, from) in [(LogFormat.nginxJSON, 1), (.auto, 1 << 20)] {
                // With auto, the first cut after the first megabyte: the part before it is auto's own.
                for index in [0, 3] {
                    let bytes = try #require(Self.across(lines, insert: object, parts: parts, index: index, from: from))
                    let wasSplit = Self.split(bytes, format, threads: threads) != nil
                    #expect(!wasSplit, "\(format), \(threads) threads, cut \(index)")
                }
            }
        }
        // One go counts the object once.
        let bytes = try #require(Self.across(lines, insert: object, parts: 2 * Self.partsPerThread, index: 2))
        func counted(_ t: Tally) -> UInt64 { t.perSecond.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
        #expect(counted(Self.oneGo(bytes, .nginxJSON)) == counted(Self.oneGo(lines.flatMap { $0 }, .nginxJSON)) + 1)
        Self.check(bytes, .nginxJSON, split: false)
    }

    @Test("JSON with a truncated line gives what one go gives, split or not")
    func truncatedLine() throws {
        let lines = Self.lines(.nginxJSON, count: 20_000)
        let whole = lines[7_000]
        let truncated = Array(whole.prefix(whole.count / 2)) + [0x0A]
        // Mid-part, and as the last line of a part (the next part's first line follows it).
        var bytes = lines[..<7_000].flatMap { $0 } + truncated + lines[7_000...].flatMap { $0 }
        Self.check(bytes, .nginxJSON, split: nil)
        let cuts = bytes.withUnsafeBytes { SplitTally.boundaries($0, parts: 2 * Self.partsPerThread) }
        let cut = cuts[cuts.count / 2]
        bytes = Array(bytes[..<cut]) + truncated + Array(bytes[cut...])
        Self.check(bytes, .nginxJSON, split: nil)
    }

    // MARK: CloudFront and W3C

    @Test("CloudFront with one header is split, with or without auto")
    func cloudFrontOneHeader() {
        let bytes = Self.cloudFrontHeader + Self.lines(.cloudfront, count: 20_000).flatMap { $0 }
        #expect(Self.oneGo(bytes, .cloudfront).outcome.timeline.count >= 2)
        Self.check(bytes, .cloudfront, split: true)
        Self.check(bytes, .auto, split: true)
    }

    @Test("CloudFront without a header (the default fields) is split")
    func cloudFrontNoHeader() {
        let bytes = Self.lines(.cloudfront, count: 20_000).flatMap { $0 }
        Self.check(bytes, .cloudfront, split: true)
    }

    @Test("CloudFront whose header repeats identically (concatenated files) is split")
    func cloudFrontRepeatedHeader() {
        let lines = Self.lines(.cloudfront, count: 20_000)
        var bytes = Self.cloudFrontHeader
        for (i, line) in lines.enumerated() {
            if i % 1_500 == 1_000 { bytes += Self.cloudFrontHeader }
            bytes += line
        }
        Self.check(bytes, .cloudfront, split: true)
        Self.check(bytes, .auto, split: true)
    }

    /// A header that moves `sc-status`: the generated lines after it read otherwise (unparsed).
    static let otherHeader = Array(("#Version: 1.0\n#Fields: date time sc-status x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem\n").utf8)

    @Test("CloudFront whose header changes mid-file is read in one go", arguments: [500, 9_000, 19_500])
    func cloudFrontChangingHeader(at line: Int) {
        let lines = Self.lines(.cloudfront, count: 20_000)
        let bytes = Self.cloudFrontHeader + lines[..<line].flatMap { $0 } + Self.otherHeader + lines[line...].flatMap { $0 }
        let expected = Self.oneGo(bytes, .cloudfront)
        #expect(expected.outcome.totals.unparsed >= UInt64(20_000 - line), "the lines after the new header read otherwise")
        Self.check(bytes, .cloudfront, split: false)
        Self.check(bytes, .auto, split: false)
        // No header first (CloudFront's defaults), then one mid-file.
        let headless = lines[..<line].flatMap { $0 } + Self.cloudFrontHeader + lines[line...].flatMap { $0 }
        Self.check(headless, .cloudfront, split: false)
    }

    @Test("W3C files from real servers give what one go gives")
    func w3cRealFiles() throws {
        let dir = Fixtures.realdata + "/w3c"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".log") }.sorted()
        #expect(names.count >= 8)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            // lnav_w3c_big.log: IIS restarts, the same #Fields and the same day again and again.
            // lnav_w3c.2.log: the time only, and a #Date header giving the next day mid-file.
            let expectSplit: Bool? = name == "lnav_w3c_big.log" ? true : name == "lnav_w3c.2.log" ? false : nil
            Self.check(bytes, .w3c, split: expectSplit, "\(name)")
            Self.check(bytes, .auto, split: nil, "\(name)")
        }
    }

    @Test("regex, and auto that settled on nothing, are not split")
    func notSplit() {
        let bytes = Array(String(repeating: "nothing a parser reads\n", count: 20_000).utf8)
        for format in [LogFormat.regex, .auto] {
            let wasSplit = Self.split(bytes, format, threads: 2) != nil
            #expect(!wasSplit, "\(format)")
        }
    }
}
