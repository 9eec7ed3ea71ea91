import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Replay's one-pass reader for formats compiled from a server's format string
/// (`TemplateParser.tally(lines:)`, 64-byte class masks) counts exactly what parsing line by line
/// counts: same per-second runs, codes, ignored and unparsed lines, for every format the fuzzer
/// covers, on every real file, on the reference samples and their mutations, and on lines made to
/// hit its edges, whatever the chunk boundaries.
@Suite("compiled formats in one pass count what line by line counts")
struct TemplateTallyTests {
    typealias Counted = (runs: [SecondRuns.Run], entries: [SecondRuns.Entry])

    /// Every fuzzed format, and the benchmark's nginx-custom.
    static let formats: [(FormatTemplate.Server, String)] = FuzzFormats.all + [(.nginx, LogGenerator.nginxCustomFormat)]

    static func decoder(_ server: FormatTemplate.Server, _ format: String, prefix: LinePrefix) throws -> FileDecoder {
        var options = FormatOptions(prefix: prefix)
        options.template = try FuzzFormats.compile(server, format)
        let logFormat: LogFormat = server == .nginx ? .nginx : server == .apache ? .apache : .haproxy
        return FileDecoder(format: logFormat, options: options)
    }

    /// `bytes` read in `chunk`-byte chunks through `FileDecoder.tally` (the one-pass path).
    static func tallied(_ d: FileDecoder, _ bytes: [UInt8], chunk: Int) -> Counted {
        var decoder = d
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.tally($0, into: runs) }
        decoder.flush(into: runs)
        runs.close()
        return (runs.runs, runs.entries)
    }

    /// The same bytes, each line parsed on its own (`TemplateParser.parse`).
    static func lineByLine(_ d: FileDecoder, _ bytes: [UInt8], chunk: Int) -> Counted {
        var decoder = d
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.parse($0) { runs.add($0) } }
        decoder.flush { runs.add($0) }
        runs.close()
        return (runs.runs, runs.entries)
    }

    static func expectSame(_ bytes: [UInt8], chunks: [Int], _ what: String, prefixes: [LinePrefix] = [.auto, .none]) throws {
        for (server, format) in formats {
            for prefix in prefixes {
                let d = try decoder(server, format, prefix: prefix)
                for chunk in chunks {
                    let a = tallied(d, bytes, chunk: chunk), b = lineByLine(d, bytes, chunk: chunk)
                    #expect(a.runs == b.runs && a.entries == b.entries, "\(server) `\(format)` prefix \(prefix), \(what), chunks of \(chunk)")
                }
            }
        }
    }

    static let chunks = [1, 7, 63, 64, 65, 191, 4096, 1 << 20]

    @Test("every real file and fixture")
    func realFiles() throws {
        var all: [UInt8] = []
        for (_, lines) in try FastPathTests.realLines() { all += Array(lines.joined(separator: [0x0A])) + [0x0A] }
        try Self.expectSame(all, chunks: [65, 4096, 1 << 20], "the real files", prefixes: [.auto])
    }

    @Test("the reference samples, cut short and with one byte changed")
    func samples() throws {
        var bytes: [UInt8] = []
        for (k, sample) in FormatTemplateReferenceTests.samples.enumerated() {
            let s = Array(sample.utf8)
            bytes += s + [0x0A]
            for cut in stride(from: 0, to: s.count, by: 5) { bytes += Array(s[0..<cut]) + [0x0A] }
            for at in stride(from: k % 3, to: s.count, by: 3) {
                for b: UInt8 in [0x20, 0x22, 0x5C, 0x2C, 0x7B, 0x0D, 0x00] where s[at] != b {
                    var v = s
                    v[at] = b
                    bytes += v + [0x0A]
                }
            }
        }
        try Self.expectSame(bytes, chunks: [1, 63, 64, 65, 4096, 1 << 20], "samples and mutations")
    }

    @Test("the lines the one pass must leave to the parser or read exactly like it")
    func edges() throws {
        let t = "[07/Dec/2026:15:06:42 +0000]"
        let custom = "api.example 200 10.0.0.1 - - \(t) \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua x\" 10.0.0.3:80 0.002"
        var lines = [
            custom,
            custom + "\r",                                             // CRLF
            custom + "   ",                                            // trailing spaces
            "\0\0\0" + custom,                                         // NULs before the line
            "Dec  7 15:06:42 web nginx: " + custom,                    // syslog prefix
            "web-1  | " + custom,                                      // container prefix
            "api.example 502, 504 : 200 10.0.0.1 - - \(t) \"GET / HTTP/1.1\" 200 0 \"-\" \"-\" 10.0.0.2:80, 10.0.0.3:80 : 10.0.0.4:80 0.1",
            "api.example 200 10.0.0.1 - - \(t) \"GET /\\\"q HTTP/1.1\" 404 5 \"-\" \"a \\\"b\\\" c\" - 0.1", // escaped quotes
            "api.example 200 10.0.0.1 - - \(t) \"GET /q\\\\\" 500 5 \"-\" \"-\" - 0.1",               // \\ before the quote
            "api.example 200 10.0.0.1 - - \(t) \"GET /q\\",                                           // backslash at the end
            "api.example 200 10.0.0.1 - - \(t) \"GET / HTTP/1.1\" 20 5 \"-\" \"-\" - 0.1",          // short status
            "api.example 200 10.0.0.1 - - \(t) \"GET / HTTP/1.1\" -1 5 \"-\" \"-\" - 0.1",          // -1
            "api.example 200 10.0.0.1 - - [07/Dec/2026:15:06:4",                                    // cut in the time
            "api.example 200 10.0.0.1 - - \(t) \"GET /\(String(repeating: "p", count: 9000)) HTTP/1.1\" 414 0 \"-\" \"-\" - 0.1",
            "api.example 200 10.0.0.1 - - \(t) \"GET /\(String(repeating: "q", count: 20000)) HTTP/1.1\" 414 0 \"-\" \"-\" - 0.1",
            String(repeating: " ", count: 9000) + custom,
            "", " ", "\t", "garbage", "\"", "\\", "\\\\", "-", "200", "{}", "{h}",
            "\0\0\0",
        ]
        // Each format's own sample lines too.
        lines += FormatTemplateReferenceTests.samples
        var bytes: [UInt8] = []
        for (k, l) in lines.enumerated() {
            bytes += Array(l.utf8) + [0x0A]
            // The same line again at another offset from the 64-byte blocks.
            bytes += Array(String(repeating: "x", count: k % 64).utf8) + Array(l.utf8) + [0x0A]
        }
        try Self.expectSame(bytes, chunks: Self.chunks, "edge lines")
        try Self.expectSame(Array(bytes.dropLast()), chunks: [7, 1 << 20], "edge lines, no final newline")
        for l in lines.prefix(13) {
            try Self.expectSame(Array(l.utf8) + [0x0A], chunks: [1, 1 << 20], l)
        }
        // Expected results, not only equal ones: nginx-custom reads its own lines.
        let d = try Self.decoder(.nginx, LogGenerator.nginxCustomFormat, prefix: .auto)
        let counted = Self.tallied(d, Array(lines.prefix(13).joined(separator: "\n").utf8) + [0x0A], chunk: 1 << 20)
        let codes = Dictionary(counted.entries.map { (Int($0.code), Int($0.count)) }, uniquingKeysWith: +)
        #expect(codes == [200: 7, 404: 1, 500: 1, 0: 1])
        #expect(counted.runs.reduce(0) { $0 + $1.unparsed } == 3)
    }

    @Test("generated nginx-custom lines: every line counted, under the code its `$status` holds")
    func generated() throws {
        var g = LogGenerator(format: .nginxCustom, seed: 7, linesPerSecond: 50,
                             incidents: [LogGenerator.Incident(offset: 10, duration: 10, code: 502, share: 0.5)])
        var bytes = g.header()
        for i in 0..<3000 { g.appendLine(i, to: &bytes) }
        // The generator writes the status twice (`$upstream_status` and `$status`): the first word's counts.
        var want: [Int: Int] = [:]
        for line in bytes.split(separator: 0x0A) {
            let words = line.split(separator: 0x20)
            want[Int(String(decoding: words[1], as: UTF8.self))!, default: 0] += 1
        }
        let d = try Self.decoder(.nginx, LogGenerator.nginxCustomFormat, prefix: .auto)
        for chunk in [64, 4096, 1 << 20] {
            let a = Self.tallied(d, bytes, chunk: chunk)
            let codes = Dictionary(a.entries.map { (Int($0.code), Int($0.count)) }, uniquingKeysWith: +)
            #expect(codes == want, "chunks of \(chunk)")
            #expect(want[502, default: 0] > 200)
            #expect(a.runs.reduce(0) { $0 + $1.unparsed } == 0)
            // 50 lines a second for 60 seconds (1% stamped a second early).
            #expect(Set(a.runs.map(\.second)).count >= 60)
        }
        try Self.expectSame(bytes, chunks: [63, 1 << 20], "generated", prefixes: [.auto])
    }

    @Test("random lines with the bytes the pass looks for, in random chunks")
    func mutations() throws {
        var seeds = FormatTemplateReferenceTests.samples.map { Array($0.utf8) }
        var g = LogGenerator(format: .nginxCustom, seed: 11, linesPerSecond: 3)
        var out: [UInt8] = []
        for i in 0..<40 { g.appendLine(i, to: &out) }
        seeds += out.split(separator: 0x0A).map { Array($0) }
        var rng = SplitMix64(seed: 0x7E4A)
        let special: [UInt8] = Array("\"\\[]{}\r\0 \t-,:0123456789x".utf8)
        for round in 0..<60 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(1 + rng.next() % 30) {
                var line = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<Int(rng.next() % 4) where !line.isEmpty {
                    let at = Int(rng.next() % UInt64(line.count))
                    let b = special[Int(rng.next() % UInt64(special.count))]
                    switch rng.next() % 4 {
                    case 0: line[at] = b
                    case 1: line.insert(b, at: at)
                    case 2: line.insert(contentsOf: [UInt8](repeating: ASCII.backslash, count: Int(1 + rng.next() % 3)), at: at)
                    default: line.insert(contentsOf: [UInt8](repeating: ASCII.space, count: Int(rng.next() % 100)), at: at)
                    }
                }
                bytes += line + (rng.next() % 8 == 0 ? [0x0D, 0x0A] : [0x0A])
            }
            if rng.next() % 3 == 0 { bytes.removeLast() }
            try Self.expectSame(bytes, chunks: [Int(1 + rng.next() % 300), 1 << 20], "round \(round)", prefixes: [.auto])
        }
    }
}
