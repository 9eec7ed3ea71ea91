import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Container log envelopes (`wrapper:`): CRI records and Docker json-file lines, written as the
/// runtimes write them, read into the lines the server wrote.
@Suite("container wrappers")
struct ContainerWrapperTests {
    static let combined = #"10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /a HTTP/1.1" 502 12 "-" "curl/8""#
    // 07/Dec/2026:15:06:42 +0000
    static let t0: Int64 = 1_796_656_002
    static let runtimeTime = "2026-12-07T15:06:45.123456789Z"
    static let t3: Int64 = t0 + 3

    /// Results of `text` through a decoder, in chunks of `chunk` bytes, by `parse` and by `tally`
    /// (replay's path), which must agree.
    static func read(_ text: String, format: LogFormat = .combined, wrapper: ContainerWrapper, chunk: Int = 7,
                     maxLineBytes: Int = 64 * 1024) -> [ParseResult] {
        var options = FormatOptions()
        options.wrapper = wrapper
        var d = FileDecoder(format: format, options: options, maxLineBytes: maxLineBytes)
        var got: [ParseResult] = []
        forEachChunk(of: Array(text.utf8), size: chunk) { d.parse($0) { got.append($0) } }
        d.flush { got.append($0) }
        var t = FileDecoder(format: format, options: options, maxLineBytes: maxLineBytes)
        let a = SecondRuns(), b = SecondRuns()
        forEachChunk(of: Array(text.utf8), size: chunk) { t.tally($0, into: a) }
        t.flush(into: a)
        for r in got { b.add(r) }
        a.close()
        b.close()
        #expect(a.runs == b.runs && a.entries == b.entries, "tally and parse differ")
        return got
    }

    static func cri(_ text: String, stream: String = "stdout", tag: String = "F") -> String {
        "\(runtimeTime) \(stream) \(tag) \(text)\n"
    }

    static func cri(stream: String, tag: String, _ text: String) -> String { cri(text, stream: stream, tag: tag) }

    static func docker(_ log: String, stream: String = "stdout") -> String {
        #"{"log":"\#(log)","stream":"\#(stream)","time":"\#(runtimeTime)"}"# + "\n"
    }

    /// JSON string escaping as Docker's encoder writes it.
    static func escaped(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    @Test func criWholeLinesKeepTheLinesOwnTime() {
        let got = Self.read(Self.cri(Self.combined) + Self.cri(Self.combined), wrapper: .cri)
        #expect(got == [.entry(status: StatusCode(unchecked: 502), time: Self.t0), .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
    }

    /// A last line that never gets its newline goes through the envelope too (replay and rotation flush it).
    @Test func aLastLineWithoutItsNewline() {
        let text = Self.cri(Self.combined) + String(Self.cri(Self.combined).dropLast())
        #expect(Self.read(text, wrapper: .cri) == [.entry(status: StatusCode(unchecked: 502), time: Self.t0), .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
        let json = Self.cri(#"{"status": 503}"#) + String(Self.cri(#"{"status": 504}"#).dropLast())
        #expect(Self.read(json, format: .json, wrapper: .cri) == [.entry(status: StatusCode(unchecked: 503), time: Self.t3),
                                                                  .entry(status: StatusCode(unchecked: 504), time: Self.t3)])
        let junk = Self.cri(Self.combined) + "not a record"
        #expect(Self.read(junk, wrapper: .cri) == [.entry(status: StatusCode(unchecked: 502), time: Self.t0), .unparsed])
    }

    @Test func criRuntimeTimeWhenTheLineHasNone() {
        let got = Self.read(Self.cri(#"{"status": 503}"#), format: .json, wrapper: .cri)
        #expect(got == [.entry(status: StatusCode(unchecked: 503), time: Self.t3)])
    }

    @Test func criPartsAreJoinedPerStream() {
        let line = Self.combined
        let cut1 = line.index(line.startIndex, offsetBy: 20), cut2 = line.index(line.startIndex, offsetBy: 50)
        let text = Self.cri(stream: "stdout", tag: "P", String(line[..<cut1]))
            + Self.cri(stream: "stderr", tag: "P", "2026/12/07 15:06:42 [error] 7#7: upstream")   // stderr parts interleave
            + Self.cri(stream: "stdout", tag: "P", String(line[cut1..<cut2]))
            + Self.cri(stream: "stderr", tag: "F", " timed out")
            + Self.cri(stream: "stdout", tag: "F", String(line[cut2...]))
        let got = Self.read(text, wrapper: .cri, chunk: 5)
        // The stderr diagnostics line is ignored (not a request, not unparsed); the stdout parts are one request.
        #expect(got == [.ignored, .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
    }

    @Test func criLinesThatAreNotRecordsAreUnparsed() {
        let got = Self.read(Self.combined + "\n" + Self.cri(stream: "stdout", tag: "X", Self.combined) + Self.cri(Self.combined), wrapper: .cri)
        #expect(got == [.unparsed, .unparsed, .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
    }

    @Test func aJoinedLineOverTheCapIsOneUnparsedLine() {
        let part = String(repeating: "x", count: 200)
        var text = ""
        for _ in 0..<10 { text += Self.cri(stream: "stdout", tag: "P", part) }
        text += Self.cri(stream: "stdout", tag: "F", "end") + Self.cri(Self.combined)
        #expect(Self.read(text, wrapper: .cri, maxLineBytes: 1024) == [.unparsed, .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
    }

    @Test func dockerLinesAreUnescaped() {
        let got = Self.read(Self.docker(Self.escaped(Self.combined) + "\\n") + Self.docker(Self.escaped(Self.combined) + "\\n"), wrapper: .docker)
        #expect(got == [.entry(status: StatusCode(unchecked: 502), time: Self.t0), .entry(status: StatusCode(unchecked: 502), time: Self.t0)])
    }

    @Test func dockerPartsOf16KiBAreJoined() {
        // A long URL: Docker splits the line into parts without the trailing \n.
        let long = #"10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /"# + String(repeating: "é<", count: 6000) + #" HTTP/1.1" 504 1 "-" "-""#
        let e = Array(Self.escaped(long))
        let third = e.count / 3
        // Cut only between escape sequences: Docker splits the raw bytes, then escapes each part.
        func safe(_ i: Int) -> Int { var k = i; while e[k - 1] == "\\" || (k >= 2 && e[k - 2] == "\\") || (k >= 6 && e[k - 6] == "\\") || (k >= 5 && e[k - 5] == "\\") || (k >= 4 && e[k - 4] == "\\") || (k >= 3 && e[k - 3] == "\\") { k += 1 }; return k }
        let a = safe(third), b = safe(2 * third)
        let text = Self.docker(String(e[..<a])) + Self.docker(String(e[a..<b])) + Self.docker(String(e[b...]) + "\\n")
        let got = Self.read(text, wrapper: .docker, chunk: 4096)
        #expect(got == [.entry(status: StatusCode(unchecked: 504), time: Self.t0)])
    }

    @Test func dockerAnyKeyOrderAttrsAndSurrogates() {
        let inner = #"{"status":500,"path":"/\ud83d\ude00"}"#
        let line = #"{"attrs":{"tag":"web","x":[1,{"y":"}"}]},"time":"\#(Self.runtimeTime)","stream":"stdout","log":"\#(Self.escaped(inner))\n"}"# + "\n"
        #expect(Self.read(line, format: .json, wrapper: .docker) == [.entry(status: StatusCode(unchecked: 500), time: Self.t3)])
        #expect(Self.read(#"{"log": "cut"# + "\n", wrapper: .docker) == [.unparsed])
    }

    /// Sinks that read labels (host, path) get the line inside the envelope, not the envelope.
    @Test func sinksSeeTheInnerLine() {
        struct Lines: LineSink {
            var seen: [String] = []
            mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) {}
            mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input: Int, arrival: Int64) {
                seen.append(String(decoding: line, as: UTF8.self))
            }
        }
        for (wrapper, text) in [(ContainerWrapper.cri, Self.cri(Self.combined)), (.docker, Self.docker(Self.escaped(Self.combined) + "\\n"))] {
            var options = FormatOptions()
            options.wrapper = wrapper
            var d = FileDecoder(format: .combined, options: options)
            var sink = Lines()
            var bytes = Array(text.utf8)
            let n = bytes.withUnsafeMutableBytes { d.decode(UnsafeRawBufferPointer($0), input: 0, arrival: 0, into: &sink) }
            #expect(n == 1)
            #expect(sink.seen == [Self.combined])
        }
    }

    @Test func autoTellsTheRuntimesApart() {
        for (text, expected) in [(Self.cri(Self.combined), ContainerWrapper.cri), (Self.docker(Self.escaped(Self.combined) + "\\n"), .docker),
                                 (Self.combined + "\n", ContainerWrapper.none)] {
            var options = FormatOptions()
            options.wrapper = .auto
            var d = FileDecoder(format: .combined, options: options)
            #expect(d.detectedWrapper == .auto)
            var got: [ParseResult] = []
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBytes { d.parse(UnsafeRawBufferPointer($0)) { got.append($0) } }
            #expect(got == [.entry(status: StatusCode(unchecked: 502), time: Self.t0)])
            #expect(d.detectedWrapper == expected)
        }
    }
}
