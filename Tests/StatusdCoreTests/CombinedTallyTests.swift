import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Replay's one-pass combined reader (`CombinedParser.tally(lines:)`, 64-byte bitmasks) counts
/// exactly what parsing line by line counts: same per-second runs, codes, ignored and unparsed
/// lines, on every real file and on lines made to hit its edges, whatever the chunk boundaries.
@Suite("combined replay in one pass counts what line by line counts")
struct CombinedTallyTests {
    typealias Counted = (runs: [SecondRuns.Run], entries: [SecondRuns.Entry])

    /// `bytes` read in `chunk`-byte chunks through `FileDecoder.tally` (the one-pass path).
    static func tallied(_ bytes: [UInt8], chunk: Int) -> Counted {
        var decoder = FileDecoder(format: .combined)
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.tally($0, into: runs) }
        decoder.flush(into: runs)
        runs.close()
        return (runs.runs, runs.entries)
    }

    /// The same bytes, each line parsed on its own (`CombinedParser.parse`).
    static func lineByLine(_ bytes: [UInt8], chunk: Int) -> Counted {
        var decoder = FileDecoder(format: .combined)
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.parse($0) { runs.add($0) } }
        decoder.flush { runs.add($0) }
        runs.close()
        return (runs.runs, runs.entries)
    }

    static func expectSame(_ bytes: [UInt8], chunks: [Int], _ what: String) {
        for chunk in chunks {
            let a = tallied(bytes, chunk: chunk), b = lineByLine(bytes, chunk: chunk)
            #expect(a.runs == b.runs && a.entries == b.entries, "\(what), chunks of \(chunk)")
        }
    }

    static let chunks = [1, 7, 63, 64, 65, 191, 4096, 1 << 20]

    @Test("every real file and fixture, in chunks that cut lines and blocks anywhere")
    func realFiles() throws {
        for (file, lines) in try FastPathTests.realLines() {
            let bytes = Array(lines.joined(separator: [0x0A]))
            Self.expectSame(bytes, chunks: Self.chunks, file)
        }
    }

    @Test("the lines the one pass must leave to the parser or read exactly like it")
    func edges() {
        let t = "[20/Nov/2026:10:00:00 +0000]"
        let lines = [
            "1.2.3.4 - - \(t) \"GET /a HTTP/1.1\" 200 5 \"-\" \"ua\"",
            "1.2.3.4 - - \(t) \"GET /a\\\"b HTTP/1.1\" 404 5",           // \" inside the request
            "1.2.3.4 - - \(t) \"GET /a\\\\\" 500 5",                    // \\ before the closing quote
            "1.2.3.4 - - \(t) \"GET /a\\\\\\\" x\" 502 5",              // \\\" : escaped again
            "1.2.3.4 - - \(t) \"GET /\\x22 HTTP/1.1\" 400 5",           // nginx \x22
            "www.example.com:443 1.2.3.4 - - \(t) \"GET / HTTP/1.1\" 301 0 \"-\" \"ua\"",
            "1.2.3.4 - - \"GET /no-time HTTP/1.1\" 503 5",              // no '['
            "1.2.3.4 - - \(t) \"-\" 408 0 \"-\" \"-\"",                 // "-" request
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\"   200",                // spaces, status at the end
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\" 200\t5",
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\" 2000 5",               // four digits
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\" 20",                   // short status at the end
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\"200 5",                 // no space
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1",                        // no closing quote
            "1.2.3.4 - - [20/Nov/2026:10:00:0\" 200 5",                 // time cut by the quote
            "1.2.3.4 - - [bad time here, not one at all] \"GET /\" 200 1",
            "[ \(String(repeating: "x", count: 300)) \(t) \"GET / HTTP/1.1\" 200 5", // '[' far before the quote
            "[\(String(repeating: "y", count: 150)) \"GET / HTTP/1.1\" 201 5",
            String(repeating: "z", count: 200) + " \"GET /\" 202 1",
            "1.2.3.4 - - \(t) \"GET /\(String(repeating: "p", count: 9000)) HTTP/1.1\" 414 0",
            "", "   ", "\t", "garbage", "\"", "\"\"", "\" 200", "x\"y\" 200",
            "1.2.3.4 - - \(t) \"GET / HTTP/1.1\" 200 5\r",              // CRLF
            "\0\0\01.2.3.4 - - \(t) \"GET / HTTP/1.1\" 200 5",          // NULs before the line
            "\0\0\0",
        ]
        var bytes: [UInt8] = []
        for (k, l) in lines.enumerated() {
            bytes += Array(l.utf8) + [0x0A]
            // The same line again at another offset from the 64-byte blocks.
            bytes += Array(String(repeating: " ", count: k % 64).utf8) + Array(l.utf8) + [0x0A]
        }
        Self.expectSame(bytes, chunks: Self.chunks, "edge lines")
        Self.expectSame(Array(bytes.dropLast()), chunks: Self.chunks, "edge lines, no final newline")
        // Each line on its own.
        for l in lines {
            Self.expectSame(Array(l.utf8) + [0x0A], chunks: [1, 1 << 20], l)
            Self.expectSame(Array(l.utf8), chunks: [3, 1 << 20], l)
        }
        // Expected results, not only equal ones.
        let counted = Self.tallied(bytes, chunk: 1 << 20)
        let codes = Dictionary(counted.entries.map { (Int($0.code), Int($0.count)) }, uniquingKeysWith: +)
        #expect(codes == [200: 16, 201: 2, 202: 2, 301: 2, 400: 2, 404: 2, 408: 2, 414: 2, 500: 2, 502: 2, 503: 2])
    }

    @Test("random lines with the bytes the pass looks for, in random chunks")
    func mutations() throws {
        let corpus = try FastPathTests.corpus()
        var rng = SplitMix64(seed: 0xC0FFEE)
        let special: [UInt8] = Array("\"\\[]\r\n\0 \t-0123456789x".utf8)
        for round in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(1 + rng.next() % 40) {
                var line = corpus[Int(rng.next() % UInt64(corpus.count))]
                for _ in 0..<Int(rng.next() % 5) where !line.isEmpty {
                    let at = Int(rng.next() % UInt64(line.count))
                    let b = special[Int(rng.next() % UInt64(special.count))]
                    switch rng.next() % 4 {
                    case 0: line[at] = b
                    case 1: line.insert(b, at: at)
                    case 2: line.insert(contentsOf: [UInt8](repeating: ASCII.backslash, count: Int(1 + rng.next() % 3)), at: at)
                    default: line.insert(contentsOf: [UInt8](repeating: ASCII.space, count: Int(rng.next() % 100)), at: at)
                    }
                }
                if rng.next() % 10 == 0 { line.insert(contentsOf: [UInt8](repeating: 0x41, count: Int(rng.next() % 300)), at: 0) }
                bytes += line + (rng.next() % 8 == 0 ? [0x0D, 0x0A] : [0x0A])
            }
            if rng.next() % 3 == 0 { bytes.removeLast() }
            Self.expectSame(bytes, chunks: [Int(1 + rng.next() % 300), 1 << 20], "round \(round)")
        }
    }
}
