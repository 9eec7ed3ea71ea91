import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// A JSON line cut off right after a `{` or `[` looks like the first line of a pretty-printed
/// object. It is held only until the next line tells: a whole object by itself ends the guess (the
/// cut-off line is one unparsed line, the whole one is read), lines that continue it make one
/// object. Every line gets exactly one result, whatever the chunks.
@Suite("JSON: a line cut off after { or [ swallows nothing")
struct JSONCutOffTests {
    /// Every result a decoder hands on, in order.
    struct Collect: LineSink {
        var results: [ParseResult] = []
        mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) { results.append(result) }

        var unparsed: Int { results.filter { $0 == .unparsed }.count }
        var ignored: Int { results.filter { $0 == .ignored }.count }
        func count(_ code: Int) -> Int {
            results.filter { if case .entry(let s, _) = $0 { return Int(s.rawValue) == code } else { return false } }.count
        }
    }

    static func decode(_ bytes: [UInt8], _ format: LogFormat = .nginxJSON, chunk: Int) -> Collect {
        var decoder = FileDecoder(format: format)
        var sink = Collect()
        forEachChunk(of: bytes, size: chunk) { decoder.decode($0, input: 0, arrival: 0, into: &sink) }
        decoder.flush(input: 0, arrival: 0, into: &sink)
        return sink
    }

    static func line(_ status: Int, second: Int = 0) -> String {
        #"{"time_iso8601":"2026-11-20T10:00:\#(String(format: "%02d", second))+00:00","status":"\#(status)","request":"GET / HTTP/1.1"}"#
    }

    /// The three cuts the issue names, each between healthy lines and an outage.
    static let cuts = [
        #"{"#,
        #"{"time_iso8601":"2026-11-20T10:00:00+00:00","status":"200","list":["#,
        #"{"time_iso8601":"2026-11-20T10:00:00+00:00","status":"200","request":{"#,
    ]

    static func scenario(cut: String, prefix: String = "") -> [UInt8] {
        var text = ""
        for _ in 0..<50 { text += prefix + line(200) + "\n" }
        text += prefix + cut + "\n"
        for _ in 0..<2000 { text += prefix + line(500) + "\n" }
        for _ in 0..<10 { text += prefix + line(200) + "\n" }
        return Array(text.utf8)
    }

    @Test("a line cut after {, after [ and after \"request\":{ is one unparsed line; every later line counts")
    func cutsSwallowNothing() {
        for cut in Self.cuts {
            for prefix in ["", "Nov 20 10:00:00 web nginx: "] {
                let bytes = Self.scenario(cut: cut, prefix: prefix)
                for chunk in [1, 7, 64, 4096, 1 << 20] {
                    let got = Self.decode(bytes, chunk: chunk)
                    #expect(got.results.count == 50 + 1 + 2000 + 10, "\(cut) chunk \(chunk)")
                    #expect(got.count(200) == 60 && got.count(500) == 2000, "\(cut) chunk \(chunk)")
                    #expect(got.unparsed == 1 && got.ignored == 0, "\(cut) chunk \(chunk)")
                }
                // Replay's one pass counts the same.
                JSONTallyTests.expectSame(bytes, .nginxJSON, chunks: [1, 64, 65, 4096, 1 << 20], "cut \(cut)")
            }
        }
    }

    @Test("the cut-off line is held only until the next line: the one-result view and the end of a file")
    func heldOneLine() {
        var p = JSONParser(statusKeys: ["status"], timeKeys: ["time_iso8601"])
        var out: [ParseResult] = []
        Array("{\"status\":\"200\",\"request\":{".utf8).withUnsafeBytes { l in p.parse(l) { out.append($0) } }
        // Nothing yet: the next line tells.
        #expect(out.isEmpty)
        Array(Self.line(503).utf8).withUnsafeBytes { l in p.parse(l) { out.append($0) } }
        #expect(out == [.unparsed, .entry(status: StatusCode(503)!, time: 1_795_168_800)])
        // A cut-off last line of a file is one unparsed line at its end.
        out = []
        Array("{".utf8).withUnsafeBytes { l in p.parse(l) { out.append($0) } }
        p.finish { out.append($0) }
        #expect(out == [.unparsed])
    }

    @Test("pretty-printed objects are still one entry each, with a prefix, nested objects and arrays")
    func prettyPrinted() {
        let pretty = """
        {
          "time_iso8601": "2026-11-20T10:00:01+00:00",
          "status": "503",
          "upstream": {
            "addr": "127.0.0.1:9000",
            "tries": [
              {
                "status": "502"
              },
              {
                "status": "503"
              }
            ]
          },
          "headers": {},
          "request": "GET /{x} HTTP/1.1"
        }
        """
        var text = Self.line(200) + "\n" + pretty + "\n" + Self.line(200) + "\n" + pretty + "\n" + "{\n" + Self.line(500) + "\n"
        text += "[\n" + Self.line(500) + "\n"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        for chunk in [1, 5, 64, 1 << 20] {
            let got = Self.decode(Array(text.utf8), chunk: chunk)
            #expect(got.results.count == lines)
            #expect(got.count(503) == 2 && got.count(200) == 2 && got.count(500) == 2, "chunk \(chunk)")
            // 16 lines of each object are ignored; `{` or `[` before a whole line is one unparsed line.
            #expect(got.ignored == 32 && got.unparsed == 2, "chunk \(chunk): \(got.unparsed) unparsed, \(got.ignored) ignored")
        }
        JSONTallyTests.expectSame(Array(text.utf8), .nginxJSON, chunks: [1, 64, 1 << 20], "pretty")
    }

    @Test("gathering is bounded in lines as well as bytes: the held lines are unparsed, the next ones read")
    func boundedInLines() {
        var text = "{\n"
        for _ in 0..<(JSONParser.maxObjectLines + 5) { text += #"  "k": "v","# + "\n" }
        text += Self.line(500) + "\n"
        let got = Self.decode(Array(text.utf8), chunk: 4096)
        #expect(got.results.count == JSONParser.maxObjectLines + 7)
        #expect(got.count(500) == 1)
        #expect(got.ignored == 0)
        // An object longer than the byte bound is given up too.
        let long = "{\n" + #"  "pad": ""# + String(repeating: "x", count: JSONParser.maxObjectBytes + 10) + "\",\n" + Self.line(500) + "\n"
        var decoder = FileDecoder(format: .nginxJSON, maxLineBytes: 16 * 1024 * 1024)
        var sink = Collect()
        Array(long.utf8).withUnsafeBytes { decoder.decode($0, input: 0, arrival: 0, into: &sink) }
        decoder.flush(input: 0, arrival: 0, into: &sink)
        #expect(sink.results.count == 3 && sink.count(500) == 1 && sink.unparsed == 2)
    }

    @Test("format auto: a cut-off line after detection swallows nothing")
    func auto() {
        let got = Self.decode(Self.scenario(cut: Self.cuts[2]), .auto, chunk: 4096)
        #expect(got.count(500) == 2000 && got.unparsed == 1 && got.results.count == 2061)
    }
}
