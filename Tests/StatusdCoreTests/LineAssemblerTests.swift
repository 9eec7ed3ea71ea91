import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("cutting bytes into lines")
struct LineAssemblerTests {
    /// Feeds `bytes` in `size`-byte pieces, like reads, and collects the lines.
    func feedInChunks(_ a: inout LineAssembler, _ bytes: [UInt8], size: Int) -> [String] {
        var lines: [String] = []
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + size)
            bytes[i..<end].withUnsafeBytes { raw in a.feed(raw) { lines.append(String(decoding: $0, as: UTF8.self)) } }
            i = end
        }
        return lines
    }

    func feed(_ a: inout LineAssembler, _ s: String) -> [String] {
        var out: [String] = []
        Array(s.utf8).withUnsafeBytes { raw in a.feed(raw) { out.append(String(decoding: $0, as: UTF8.self)) } }
        return out
    }

    @Test("lines split across reads come out whole; a last line without newline is held")
    func partial() {
        var a = LineAssembler()
        #expect(feed(&a, "one\ntw") == ["one"])
        #expect(a.pendingBytes == 2)
        #expect(feed(&a, "o\nthr") == ["two"])
        #expect(feed(&a, "ee") == [])
        var flushed: [String] = []
        a.flush { flushed.append(String(decoding: $0, as: UTF8.self)) }
        #expect(flushed == ["three"])
        #expect(a.pendingBytes == 0)
    }

    @Test("CRLF loses its CR; empty lines are lines")
    func crlf() {
        var a = LineAssembler()
        #expect(feed(&a, "a\r\n\nb\n") == ["a", "", "b"])
    }

    @Test("an over-long URL: the line keeps its head and tail, and the status after the request is found")
    func overlongURL() {
        var a = LineAssembler(maxLineBytes: 4096)
        let line = #"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /"# + String(repeating: "u", count: 1 << 20) + #" HTTP/1.1" 502 0 "-" "x""# + "\n"
        let lines = feedInChunks(&a, Array(line.utf8), size: 65536)
        #expect(lines.count == 1)
        #expect(lines[0].utf8.count == 4096)
        #expect(parsed(lines[0]).status == 502)
    }

    @Test("an over-long line is capped yet classified from its start")
    func overlong() {
        var a = LineAssembler(maxLineBytes: 1024)
        let head = #"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 503 0 ""#
        let long = head + String(repeating: "A", count: 1 << 20) + "\"\n"
        let lines = feedInChunks(&a, Array((long + "next\n").utf8), size: 4096)
        #expect(lines.count == 2)
        #expect(lines[0].utf8.count == 1024)
        #expect(lines[0].hasPrefix(head))
        #expect(lines[1] == "next")
        #expect(a.cappedLines == 1)
        #expect(parsed(lines[0]).status == 503)
    }

    /// Counts what a decoder hands on, as the daemon's sink would.
    struct CountingSink: LineSink {
        var counts = StatusCounts()
        var inputs: [Int] = []

        mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) {
            inputs.append(input)
            switch result {
            case .entry(let status, _): counts.add(status)
            case .ignored: counts.ignored += 1
            case .unparsed: counts.unparsed += 1
            }
        }
    }

    @Test("a file decoder hands each line to its sink, with its input")
    func decoder() {
        var d = FileDecoder(format: .combined)
        var sink = CountingSink()
        let text = "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 500 1\nnot a log line\n\n1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1"
        let lines = Array(text.utf8).withUnsafeBytes { d.decode($0, input: 2, arrival: 1_431_857_103, into: &sink) }
        #expect(lines == 3)
        #expect(sink.counts.requests == 1 && sink.counts.unparsed == 1 && sink.counts.ignored == 1)
        d.flush(input: 2, arrival: 1_431_857_103, into: &sink)
        #expect(sink.counts.requests == 2)
        #expect(sink.inputs == [2, 2, 2, 2])
    }
}
