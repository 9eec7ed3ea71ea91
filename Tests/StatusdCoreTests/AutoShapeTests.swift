import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Shapes `auto` learned: combined with quoted fields before the time, Classic ELB, IIS without a
/// header; and no false acceptance of other shapes.
@Suite("auto shapes")
struct AutoShapeTests {
    static func run(_ lines: [String]) -> (counts: StatusCounts, decoder: FileDecoder) {
        var d = FileDecoder(format: .auto)
        var c = StatusCounts()
        let record = { (r: ParseResult) in
            switch r {
            case .entry(let s, _): c.add(s)
            case .ignored: c.ignored += 1
            case .unparsed: c.unparsed += 1
            }
        }
        let text = lines.joined(separator: "\n") + "\n"
        Array(text.utf8).withUnsafeBytes { d.parse($0, record) }
        d.flush(record)
        return (c, d)
    }

    @Test("combined with a quoted X-Forwarded-For list before the time")
    func xff() {
        let (c, d) = Self.run([
            #""203.0.113.7, 10.0.0.3" 10.0.0.2 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0""#,
            #""-" 10.0.0.2 - - [20/Nov/2026:10:00:01 +0000] "GET /api HTTP/1.1" 502 157 "-" "Mozilla/5.0""#,
            #""198.51.100.1" 10.0.0.2 - alice [20/Nov/2026:10:00:02 +0000] "POST /login HTTP/2.0" 499 0 "https://x/" "Mozilla/5.0""#,
            "not an access line",
        ])
        #expect(d.detectedFormat == .combined)
        #expect(d.detectedShape == "quoted fields before the time")
        #expect(c.code(200) == 1 && c.code(502) == 1 && c.code(499) == 1 && c.unparsed == 1)
    }

    @Test("AWS Classic ELB lines (no type field) are read by auto as ALB's sibling")
    func elb() {
        let (c, d) = Self.run([
            #"2026-11-20T10:00:00.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 503 503 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#,
            #"2026-11-20T10:00:01.945958Z my-lb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#,
        ])
        #expect(d.detectedFormat == .alb)
        #expect(c.code(503) == 1 && c.code(200) == 1)
    }

    static let iis = [
        "2026-11-20 10:00:00 10.0.0.5 GET /default.aspx - 443 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) https://example.com/ 200 0 0 31",
        "2026-11-20 10:00:01 10.0.0.5 POST /api/orders id=7 443 alice 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) - 503 2 0 15",
        "2026-11-20 10:00:02 10.0.0.5 GET /missing - 80 - 203.0.113.10 curl/8.0 - 404 0 2 1",
    ]

    @Test("IIS W3C lines with IIS's default fields when the header was not seen (15 and 14 fields)")
    func iisNoHeader() {
        let (c, d) = Self.run(Self.iis)
        #expect(d.detectedFormat == .w3c)
        #expect(d.detectedShape == "IIS default fields, no header")
        #expect(c.code(200) == 1 && c.code(503) == 1 && c.code(404) == 1)
        var p = IISDefaultParser()
        #expect(p.parse("2026-11-20 10:00:03 10.0.0.5 GET /x - 80 - 203.0.113.10 curl/8.0 500 19 13 4") == .entry(status: StatusCode(500)!, time: 1_795_168_803))
        // A header coming later takes over.
        #expect(p.parse("#Fields: date time sc-status") == .ignored)
        #expect(p.parse("2026-11-20 10:00:04 302") == .entry(status: StatusCode(302)!, time: 1_795_168_804))
    }

    @Test("W3C: a line whose date and time fields do not read as a time is not a W3C line")
    func w3cShape() {
        for var p in [W3CParser(), W3CParser()] {
            #expect(p.parse("#Fields: date time c-ip sc-status") == .ignored)
            #expect(p.parse("2026-11-20 10:00:00 1.2.3.4 503") == .entry(status: StatusCode(503)!, time: 1_795_168_800))
            #expect(p.parse("hello world 1.2.3.4 200") == .unparsed)
            #expect(p.parse(#"10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5"#) == .unparsed)
        }
        // A time-only header with no date anywhere still reads its lines (time unknown).
        var t = W3CParser()
        _ = t.parse("#Fields: time sc-status")
        #expect(t.parse("10:00:00 200") == .entry(status: StatusCode(200)!, time: nil))
    }

    @Test("no false acceptance: other shapes stay unparsed")
    func noFalseAcceptance() {
        for line in [
            // tcplog, syslog lines, plain text, a space-separated line of 15 fields without a method.
            "Nov 20 10:00:01 lb1 haproxy[812]: 10.0.1.2:33313 [20/Nov/2026:10:00:01.443] db db/pg1 0/0/5007 212 -- 2/1/1/1/0 0/0",
            "Nov 20 10:00:01 host sshd[12]: Accepted publickey for root from 10.0.0.1 port 5000 ssh2",
            "2026-11-20 10:00:00 a b c d e f g h i j 200 k l",
            "2026-11-20 10:00:00 10.0.0.5 get /x - 80 - 1.2.3.4 ua - 200 0 0 1",
            #"[20/Nov/2026:10:00:00 +0000] "GET /" x"#,
            #"2026-11-20T10:00:00Z my-lb 1.2.3.4 5.6.7.8 0 0 0 200 200 0 29 GET / HTTP/1.1 curl"#,
        ] {
            let (c, d) = Self.run([line])
            #expect(c.requests == 0 && d.detectedFormat == nil, "\(line)")
        }
    }
}

@Suite("auto shape in status")
struct AutoShapeStatusTests {
    @Test("status JSON carries detected_shape beside detected_format, additively")
    func json() throws {
        let f = FileReport(path: "/var/log/x.log", state: "reading", offset: 1, size: 2, detectedFormat: "combined",
                           detectedShape: "quoted fields before the time")
        let text = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        #expect(text.contains(#""detected_format":"combined""#))
        #expect(text.contains(#""detected_shape":"quoted fields before the time""#))
        let old = try JSONDecoder().decode(FileReport.self, from: Data(#"{"path":"p","state":"reading","offset":0,"size":0,"bytes_behind":0,"detected_format":"w3c"}"#.utf8))
        #expect(old.detectedShape == nil && old.detectedFormat == "w3c")
    }
}
