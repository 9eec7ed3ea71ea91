import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Replay's pass over container logs (`FileDecoder.tallyWrapped`: whole stdout lines out of their
/// envelopes, counted by the format's one-pass reader) counts exactly what the line-by-line path
/// counts: the same per-second runs and codes, ignored and unparsed lines, with the runtime's time
/// for a line that states none, whatever the chunk boundaries. The fixtures hold what runtimes
/// write around the common case: split lines with stderr between their parts, stderr diagnostics,
/// lines without a time of their own, a line that is not the envelope, an empty line, `\r`, an
/// escaped newline inside a Docker line, extra CRI tags.
@Suite("container envelopes in one pass count what line by line counts")
struct WrappedTallyTests {
    static let dir = Fixtures.packageRoot + "/Tests/Fixtures/containers/"

    static func decoder(_ format: LogFormat, _ wrapper: ContainerWrapper, template: String? = nil) throws -> FileDecoder {
        var options = FormatOptions()
        options.wrapper = wrapper
        if let template { options.template = try FuzzFormats.compile(.nginx, template) }
        return FileDecoder(format: format, options: options, maxLineBytes: 4096)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
    }

    static let chunks = [1, 7, 63, 64, 65, 191, 4096, 1 << 20]

    static func expectSame(_ file: String, _ format: LogFormat, _ wrappers: [ContainerWrapper], template: String? = nil) throws {
        let bytes = try Self.bytes(dir + file)
        for wrapper in wrappers {
            let d = try decoder(format, wrapper, template: template)
            for chunk in chunks {
                let a = TemplateTallyTests.tallied(d, bytes, chunk: chunk), b = TemplateTallyTests.lineByLine(d, bytes, chunk: chunk)
                #expect(a.runs == b.runs && a.entries == b.entries, "\(file) \(format) \(wrapper) \(template ?? ""), chunks of \(chunk)")
            }
        }
    }

    /// Lines, unparsed lines and lines per code, from runs.
    static func totals(_ c: TemplateTallyTests.Counted) -> (lines: UInt64, unparsed: UInt64, codes: [UInt16: UInt32]) {
        var codes: [UInt16: UInt32] = [:]
        for e in c.entries { codes[e.code, default: 0] += e.count }
        return (c.runs.reduce(0) { $0 + $1.lines }, c.runs.reduce(0) { $0 + $1.unparsed }, codes)
    }

    @Test("CRI around combined lines and around compiled formats with and without a time")
    func cri() throws {
        try Self.expectSame("cri-combined.log", .combined, [.cri, .auto])
        try Self.expectSame("cri-combined.log", .nginx, [.cri], template: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#)
        // No time in the format: every line takes the runtime's.
        try Self.expectSame("cri-combined.log", .nginx, [.cri], template: #"$remote_addr - $remote_user $time_local "$request" $status $body_bytes_sent $http_referer $http_user_agent"#)
    }

    @Test("CRI around JSON objects, half without a time key")
    func criJSON() throws {
        try Self.expectSame("cri-json.log", .json, [.cri, .auto])
        try Self.expectSame("cri-json.log", .nginxJSON, [.cri])
    }

    @Test("Docker json-file around combined lines")
    func docker() throws {
        try Self.expectSame("docker-combined.log", .combined, [.docker, .auto])
    }

    @Test("what the fixtures hold is counted: every request under its code, the runtime's time for one without")
    func counts() throws {
        // CRI: 73 records, 71 lines (a split line's two `P` parts are not lines of their own):
        // 40 + 22 whole requests, the split one (504), a stderr diagnostic between its parts
        // (ignored), a request with a bad time and one with none, a request on stderr (503), a
        // foreign line (unparsed), an empty line, an extra tag (`F:x`) and a `\r` line (500).
        let crid = try Self.decoder(.combined, .cri)
        let criRuns = TemplateTallyTests.tallied(crid, try Self.bytes(Self.dir + "cri-combined.log"), chunk: 4096)
        let cri = Self.totals(criRuns)
        #expect(cri.lines == 71 && cri.unparsed == 1)
        #expect(cri.codes == [200: 33, 301: 6, 404: 5, 499: 5, 500: 2, 502: 10, 503: 6, 504: 1])
        // The request whose own time is unreadable is counted at the runtime's time, 15:07:42.
        let at = criRuns.runs.first { $0.second == 1_796_656_062 }
        #expect(at.map { criRuns.entries[$0.first..<$0.first + $0.count].contains { $0.code == 500 } } == true)
        // Docker: 64 records, 63 lines: 40 + 15 whole requests, a split one (502), a stderr line,
        // two requests with a bad time (one without the runtime's time either), an escaped newline
        // inside a request, a `\r` line (201), an empty line and a broken record (unparsed).
        let docker = Self.totals(TemplateTallyTests.tallied(try Self.decoder(.combined, .docker), try Self.bytes(Self.dir + "docker-combined.log"), chunk: 4096))
        #expect(docker.lines == 63 && docker.unparsed == 1)
        #expect(docker.codes == [200: 24, 201: 1, 404: 8, 500: 10, 502: 9, 503: 8])
    }

    @Test("CRIEnvelope hands over the text exactly where CRIRecord.read finds it, or leaves the line to it")
    func envelopeAgreesWithRecord() {
        var rng = SplitMix64(seed: 22)
        let alphabet = Array(" !\n\r0123456789-T:.+Zstdout FPerr\u{0}".utf8)
        let base = Array("2026-12-07T15:06:42.123456789Z stdout F 10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] \"GET / HTTP/1.1\" 200 1".utf8)
        for round in 0..<20_000 {
            var line = base
            // Cut, change or insert a few bytes, mostly in the envelope.
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(min(line.count, 48)))
                switch rng.next() % 3 {
                case 0: line[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: line.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: line.remove(at: at)
                }
            }
            if round % 7 == 0 { line = Array(line.prefix(Int(rng.next() % 60))) }
            // The span: this line, its newline, then a long next line (the fast path reads ahead).
            let span = line + [0x0A] + base + [0x0A]
            let first = line.firstIndex(of: 0x0A) ?? line.count
            let got = span.withUnsafeBytes { CRIEnvelope().content($0.baseAddress!, 0, $0.count) }
            let want: Int = span.withUnsafeBytes { p in
                let own = UnsafeRawBufferPointer(rebasing: p[0..<first])
                guard let r = CRIRecord.read(own), r.stream == .stdout, !r.partial, r.content == r.timeEnd + 10,
                      own[r.timeEnd + 9] == 0x20, r.content < own.count, own[r.content] != 0,
                      !(own[r.content] == 0x0D && r.content + 1 == own.count) else { return -1 }
                return r.content
            }
            #expect(got == want, "\(String(decoding: line, as: UTF8.self).debugDescription)")
            if got != want { return }
        }
    }
}

