import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Each compiled format against the plain reading of the same format string
/// (ReferenceTemplateParser): lines that fit, and every line cut short or with one byte changed.
@Suite("format templates against the reference")
struct FormatTemplateReferenceTests {
    static let samples: [String] = [
        #"127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /a HTTP/1.1" 200 5 "-" "curl/8""#,
        #"shop.example 502, 504 : 200 10.0.0.1 [07/Dec/2026:15:06:42 +0000] "GET /c\x22 HTTP/1.1" 502 0 10.0.0.2:80, 10.0.0.3:80"#,
        #"10.0.0.1 "203.0.113.9, 198.51.100.2" [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 499 0.010s"#,
        #"{"t":"2026-12-07T15:06:42+00:00","h":"a.example","s":"503","r":"GET /q\"x HTTP/1.1","u":"x\\y"}"#,
        #"1796656002.123|404|GET / HTTP/1.1"#,
        #"www.example:80 127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /x HTTP/1.1" 500 12 "-" "a \"q\" agent" 1234"#,
        #"127.0.0.1 10.0.0.1, 10.0.0.2 1796656002123 "GET / HTTP/1.1" 302 404 0"#,
        #"127.0.0.1:39042 [07/Dec/2026:15:06:42.123] fe be/srv1 0/0/0/1/1 503 212 - - ---- 1/1/0/0/0 0/0 "GET /h HTTP/1.1""#,
        #"127.0.0.1:39042 [07/Dec/2026:15:06:42.123] fe be/srv1 0/0/0/1/1 -1 212 - - ---- 1/1/0/0/0 0/0 {h} {x} "GET /h HTTP/1.1""#,
        #"127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 200 10 "" "" 39042 123 "fe" "be" "s1" 0 0 0 1 1 "----" 1 1 0 0 0 0 0 "-" "-""#,
        #"127.0.0.1:1 [07/Dec/2026:15:06:42.001] http~ b/s 0/0/0/0/0/0/0 200 5 ---- "/p" "GET /p\" HTTP/1.1""#,
        #"Dec  7 15:06:42 host haproxy[7]: 127.0.0.1:1 [07/Dec/2026:15:06:42.001] fe b/s 0/0/0/0/0 200 5 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#,
    ]

    static func check(_ server: FormatTemplate.Server, _ format: String, _ line: [UInt8]) throws -> Bool {
        let t = try FuzzFormats.compile(server, format)
        var fast = TemplateParser(t)
        var slow = ReferenceTemplateParser(server: server, format: format)
        return line.withUnsafeBytes { fast.parse($0) == slow.parse($0) }
    }

    @Test func everyFormatOnEverySampleAndItsMutations() throws {
        var entries = 0
        for (server, format) in FuzzFormats.all {
            let t = try FuzzFormats.compile(server, format)
            for sample in Self.samples {
                let bytes = Array(sample.utf8)
                var fast = TemplateParser(t)
                if case .entry = bytes.withUnsafeBytes({ fast.parse($0) }) { entries += 1 }
                var variants: [[UInt8]] = [bytes]
                for cut in stride(from: 0, to: bytes.count, by: 3) { variants.append(Array(bytes[0..<cut])) }
                for k in bytes.indices {
                    for b: UInt8 in [0x20, 0x22, 0x5C, 0x2C, 0x7B, 0x35] where bytes[k] != b {
                        var v = bytes
                        v[k] = b
                        variants.append(v)
                    }
                }
                for v in variants {
                    #expect(try Self.check(server, format, v), "\(server) `\(format)` on `\(String(decoding: v, as: UTF8.self))`")
                }
            }
        }
        // Each format reads at least its own sample.
        #expect(entries >= FuzzFormats.all.count)
    }
}
