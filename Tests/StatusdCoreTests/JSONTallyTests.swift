import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Replay's one-pass JSON reader (`JSONParser.tally(lines:)`: the C walk run over the span, never
/// past a newline, stopping once the first status and time keys are found) counts exactly what
/// parsing line by line counts, whatever the chunk boundaries.
@Suite("JSON replay in one pass counts what line by line counts")
struct JSONTallyTests {
    typealias Counted = (runs: [SecondRuns.Run], entries: [SecondRuns.Entry])

    static func tallied(_ bytes: [UInt8], _ format: LogFormat, chunk: Int) -> Counted {
        var decoder = FileDecoder(format: format)
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.tally($0, into: runs) }
        decoder.flush(into: runs)
        runs.close()
        return (runs.runs, runs.entries)
    }

    static func lineByLine(_ bytes: [UInt8], _ format: LogFormat, chunk: Int) -> Counted {
        var decoder = FileDecoder(format: format)
        let runs = SecondRuns()
        forEachChunk(of: bytes, size: chunk) { decoder.parse($0) { runs.add($0) } }
        decoder.flush { runs.add($0) }
        runs.close()
        return (runs.runs, runs.entries)
    }

    static func expectSame(_ bytes: [UInt8], _ format: LogFormat, chunks: [Int], _ what: String) {
        for chunk in chunks {
            let a = tallied(bytes, format, chunk: chunk), b = lineByLine(bytes, format, chunk: chunk)
            #expect(a.runs == b.runs && a.entries == b.entries, "\(what) as \(format), chunks of \(chunk)")
        }
    }

    static let formats: [LogFormat] = [.nginxJSON, .caddy, .cloudflare, .traefik, .akamai, .json]

    @Test("every real file and fixture, and generated nginx-json, in chunks that cut lines and blocks anywhere")
    func realFiles() throws {
        for (file, lines) in try FastPathTests.realLines() {
            let bytes = Array(lines.joined(separator: [0x0A]))
            for format in Self.formats { Self.expectSame(bytes, format, chunks: [1, 63, 64, 65, 4096, 1 << 20], file) }
        }
        var g = LogGenerator(format: .nginxJSON, seed: 9, linesPerSecond: 20)
        var out = g.header()
        for i in 0..<3000 { g.appendLine(i, to: &out) }
        Self.expectSame(out, .nginxJSON, chunks: [1, 64, 191, 4096, 1 << 20], "generated")
    }

    @Test("lines the one pass must read exactly as parse does: cut, CRLF, NULs, escapes, nesting, multi-line objects")
    func edges() {
        let t = "2026-11-20T10:00:00+00:00"
        let ua = String(repeating: "Mozilla/5.0 ", count: 12)
        let lines = [
            #"{"time_iso8601":"\#(t)","status":"200","http_user_agent":"\#(ua)"}"#,
            #"{"time_iso8601":"\#(t)","status":"502","u":"a\"b}\\","n":{"x":"}"}}"#,    // escapes and braces after the keys
            #"{"time_iso8601":"\#(t)","status":"503"}  "#,                              // spaces after the object
            #"{"time_iso8601":"\#(t)","status":"504"} {"x":1}"#,                        // a second object
            #"{"time_iso8601":"\#(t)","status":"505"}}"#,                               // one brace too many
            #"{"time_iso8601":"\#(t)","status":"500","x": "unterminated}"#,            // the string never ends
            #"{"time_iso8601":"\#(t)","status":"501","x": a\b }"#,                     // a backslash outside strings
            #"{"time_iso8601":"\#(t)","status":"500","x": 1 2 3 }"#,                    // bad members after the keys
            #"{"time_iso8601":"\#(t)","status":"5x0","status":"200"}"#,                 // the first status does not read
            #"{"time_iso8601":"later","status":"404","time_local":"20/Nov/2026:10:00:01 +0000"}"#, // nor the first time
            #"{"status":"404","time_local":"20/Nov/2026:10:00:01 +0000","time_iso8601":"\#(t)"}"#,
            #"{"a":{"status":"201"},"status":"202","time_iso8601":"\#(t)","b":[1,{"c":"}"}]}"#,
            #"{"time_iso8601":"\#(t)","status":"200","request":"GET /\#(String(repeating: "p", count: 5000))"}"#,
            #"{"time_iso8601":"\#(t)","status":"200"}"# + "\r",                          // CRLF
            "\0\0" + #"{"time_iso8601":"\#(t)","status":"200"}"#,                        // NULs before the line
            #"Nov 20 10:00:00 web nginx: {"time_iso8601":"\#(t)","status":"499"}"#,     // a prefix
            #"{"time_iso8601":"\#(t)","status":"200","#,                                  // cut off
            "{", #"  "status": "503","#, #"  "time_iso8601": "\#(t)""#, "}",            // pretty-printed
            "", "   ", "garbage", "{", "}", #"{"status":"200"}"#,
        ]
        var bytes: [UInt8] = []
        for l in lines { bytes += Array(l.utf8) + [0x0A] }
        for format in [LogFormat.nginxJSON, .json] { Self.expectSame(bytes, format, chunks: [1, 2, 63, 64, 65, 100, 4096], "edge lines") }
        // Every line alone, shifted across a 64-byte block boundary by a line of padding before it.
        for l in lines {
            for pad in [0, 1, 30, 62, 63, 64] {
                let b = Array((String(repeating: " ", count: pad) + "\n" + l + "\n").utf8)
                Self.expectSame(b, .nginxJSON, chunks: [1 << 20], "\(l) after \(pad) spaces")
            }
        }
    }

    @Test("random mutations of real and generated JSON lines, 300 rounds (fixed seed)")
    func mutations() throws {
        var seeds = try FastPathTests.realLines().flatMap(\.lines).filter { $0.contains(UInt8(ascii: "{")) }
        var g = LogGenerator(format: .nginxJSON, seed: 4, linesPerSecond: 5)
        var gen = g.header()
        for i in 0..<200 { g.appendLine(i, to: &gen) }
        seeds += gen.split(separator: 0x0A).map { Array($0) }
        var rng = SplitMix64(seed: 0x7A11)
        let special: [UInt8] = Array("\"\\{}[]:, \n\r\t0123456789x".utf8)
        for round in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<20 {
                var line = seeds[Int(rng.next() % UInt64(seeds.count))]
                for _ in 0..<Int(rng.next() % 3) where !line.isEmpty {
                    let at = Int(rng.next() % UInt64(line.count))
                    let b = special[Int(rng.next() % UInt64(special.count))]
                    if rng.next() % 2 == 0 { line[at] = b } else { line.insert(b, at: at) }
                }
                bytes += line + [0x0A]
            }
            let format = Self.formats[round % Self.formats.count]
            Self.expectSame(bytes, format, chunks: [Int(1 + rng.next() % 200), 1 << 20], "round \(round)")
        }
    }
}
