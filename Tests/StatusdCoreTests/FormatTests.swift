import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Every real file under ../shared/realdata with its exact counts, and fixtures written from the
/// formats' documentation for what the real files lack.
@Suite("log formats")
struct FormatTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var file: String
        var format: LogFormat
        var codes: [Int: UInt64]
        /// Lines that are truly not access lines, and why.
        var unparsed: UInt64 = 0
        var why: String = ""
        var testDescription: String { file }
    }

    static let realFiles: [Expectation] = [
        .init(file: "apache/elastic-examples_apache_logs.log", format: .combined,
              codes: [200: 9126, 304: 445, 404: 213, 301: 164, 206: 45, 500: 3, 416: 2, 403: 2]),
        .init(file: "apache/apachelogs_vhost_combined.log", format: .combined, codes: [301: 6],
              unparsed: 1, why: "the file's test fixture line `Bad line`"),
        .init(file: "nginx/lnav_shop_access_log.log", format: .combined, codes: [200: 938, 404: 24, 302: 20, 301: 11, 304: 7]),
        .init(file: "caddy/lnav_caddy.jsonl", format: .caddy, codes: [200: 4]),
        .init(file: "caddy/lnav_caddy_compose_prefixed.log", format: .caddy, codes: [200: 1, 304: 3],
              unparsed: 35, why: "Caddy's own start-up and TLS messages, JSON without a request"),
        .init(file: "cloudflare/lnav_cloudflare.jsonl", format: .cloudflare,
              codes: [200: 9, 204: 1, 401: 1, 403: 2, 404: 1, 502: 1]),
        .init(file: "cloudflare/lnav_cloudflare_single.json", format: .cloudflare, codes: [301: 1]),
        .init(file: "cloudfront/claygregory_web-1-0.txt", format: .cloudfront, codes: [200: 1, 304: 1]),
        .init(file: "cloudfront/claygregory_web-1-0-2019-12.txt", format: .cloudfront, codes: [200: 3]),
        .init(file: "haproxy/lnav_haproxy.log", format: .haproxy, codes: [200: 13],
              unparsed: 4, why: "three `Proxy ... started.` lines and one `SSL handshake failure`"),
        .init(file: "w3c/lnav_w3c_big.log", format: .w3c, codes: [404: 202, 200: 8]),
        .init(file: "w3c/lnav_w3c.0.log", format: .w3c, codes: [200: 1]),
        .init(file: "w3c/lnav_w3c.1.log", format: .w3c, codes: [200: 1]),
        .init(file: "w3c/lnav_w3c.2.log", format: .w3c, codes: [331: 3, 230: 3, 226: 8]),
        .init(file: "w3c/lnav_w3c.3.log", format: .w3c, codes: [200: 1, 301: 1, 404: 1]),
        .init(file: "w3c/lnav_w3c.4.log", format: .w3c, codes: [200: 1, 0: 1]),
        .init(file: "w3c/lnav_w3c.5.log", format: .w3c, codes: [:],
              unparsed: 1, why: "its `#Fields:` header names six fields and no sc-status; the line has seventeen"),
        .init(file: "w3c/lnav_w3c.6.log", format: .w3c, codes: [404: 1]),
        .init(file: "edge-cases/lnav_access_log.0.log", format: .combined, codes: [200: 2, 404: 1]),
        .init(file: "edge-cases/lnav_access_log.1.log", format: .combined, codes: [400: 1]),
        .init(file: "edge-cases/lnav_bad_access_log.log", format: .combined, codes: [200: 2, 404: 1]),
        .init(file: "edge-cases/lnav_regexp_access_log.log", format: .combined, codes: [200: 2]),
        .init(file: "edge-cases/lnav_syslog_with_access_log.log", format: .combined, codes: [200: 1, 404: 1],
              unparsed: 3, why: "syslog lines from sudo and automount, and `last message repeated`"),
    ]

    static func count(_ path: String, _ format: LogFormat, _ options: FormatOptions = FormatOptions()) throws -> (StatusCounts, FileDecoder) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var decoder = FileDecoder(format: format, options: options)
        var counts = StatusCounts()
        let record = { (r: ParseResult) in
            switch r {
            case .entry(let s, _): counts.add(s)
            case .ignored: counts.ignored += 1
            case .unparsed: counts.unparsed += 1
            }
        }
        data.withUnsafeBytes { decoder.parse($0, record) }
        decoder.flush(record)
        return (counts, decoder)
    }

    static func codes(_ c: StatusCounts) -> [Int: UInt64] {
        Dictionary(uniqueKeysWithValues: c.nonZero.map { (Int($0.code.rawValue), $0.count) })
    }

    @Test("every real file: exact per-code counts with its format", arguments: realFiles)
    func realFile(_ e: Expectation) throws {
        let (c, _) = try Self.count(Fixtures.realdata + "/" + e.file, e.format)
        #expect(Self.codes(c) == e.codes)
        #expect(c.unparsed == e.unparsed, "unparsed lines expected only for: \(e.why)")
    }

    @Test("auto picks the right format for each real file", arguments: realFiles)
    func auto(_ e: Expectation) throws {
        let (c, decoder) = try Self.count(Fixtures.realdata + "/" + e.file, .auto)
        if e.codes.isEmpty { return } // nothing to detect from
        let expected: LogFormat = e.format == .common ? .combined : e.format
        #expect(decoder.detectedFormat == expected)
        #expect(Self.codes(c) == e.codes)
        #expect(c.unparsed == e.unparsed)
    }

    static let fixtures: [Expectation] = [
        .init(file: "cloudfront-000.log", format: .cloudfront, codes: [200: 2, 0: 2, 502: 1, 504: 1]),
        .init(file: "akamai-ds2.jsonl", format: .akamai, codes: [200: 1, 0: 1, 503: 1, 206: 1]),
        .init(file: "cloudflare-52x.jsonl", format: .cloudflare, codes: [200: 1, 520: 1, 521: 1, 522: 1, 524: 1]),
        .init(file: "alb-460.log", format: .alb, codes: [200: 1, 460: 1, 502: 1, 504: 1]),
        .init(file: "haproxy-aborts.log", format: .haproxy, codes: [200: 1, 0: 1, 503: 1, 504: 1],
              unparsed: 1, why: "`Proxy www started.`"),
        .init(file: "elb-classic.log", format: .alb, codes: [200: 2, 504: 1, 502: 1],
              unparsed: 1, why: "a TCP listener's line: `-` statuses, `\"- - - \"` request"),
        .init(file: "haproxy-tcp-mixed.log", format: .haproxy, codes: [200: 2, 0: 1, 503: 1, 504: 1],
              unparsed: 6, why: "two `Proxy ... started.` lines and four `tcplog` lines (three timers, a byte count where httplog has the status)"),
        .init(file: "nginx-499-444.log", format: .combined, codes: [200: 1, 499: 1, 444: 1, 502: 1, 400: 1]),
        .init(file: "nginx-json.log", format: .nginxJSON, codes: [200: 1, 499: 1, 503: 1]),
        .init(file: "traefik.jsonl", format: .traefik, codes: [200: 1, 502: 1, 499: 1]),
    ]

    @Test("fixtures for 000, 499, 444, 460, 52x and HAProxy -1", arguments: fixtures)
    func fixture(_ e: Expectation) throws {
        let path = Fixtures.packageRoot + "/Tests/Fixtures/formats/" + e.file
        let (c, _) = try Self.count(path, e.format)
        #expect(Self.codes(c) == e.codes)
        #expect(c.unparsed == e.unparsed, "\(e.why)")
        let (a, d) = try Self.count(path, .auto)
        #expect(d.detectedFormat == e.format || (e.format == .nginxJSON && d.detectedFormat == .json))
        #expect(Self.codes(a) == e.codes)
    }

    @Test("Cloudflare's origin status is available as a second status: 0 when the origin sent nothing")
    func cloudflareOrigin() throws {
        let path = Fixtures.packageRoot + "/Tests/Fixtures/formats/cloudflare-52x.jsonl"
        let (c, _) = try Self.count(path, .cloudflare, FormatOptions(statusKeys: ["OriginResponseStatus"]))
        #expect(Self.codes(c) == [200: 1, 0: 4])
        #expect(c.classView.aborts == 4)
    }

    @Test("event times: CloudFront date+time, Akamai epoch.ms string, Cloudflare ns and RFC 3339, ALB, HAProxy, Caddy float")
    func times() {
        var cf = W3CParser(defaultFields: W3CParser.cloudFrontFields)
        #expect(cf.parse("2026-11-20\t10:00:02\tFRA\t0\t1.2.3.4\tGET\th\t/\t000") == .entry(status: .noResponse, time: 1_795_168_802))
        var ak = LogFormat.akamai.makeParser()
        #expect(ak.parse(#"{"reqTimeSec":"1795168801.456","statusCode":"000"}"#) == .entry(status: .noResponse, time: 1_795_168_801))
        var cfl = LogFormat.cloudflare.makeParser()
        #expect(cfl.parse(#"{"EdgeResponseStatus":522,"EdgeStartTimestamp":1795168803000000000}"#) == .entry(status: StatusCode(522)!, time: 1_795_168_803))
        #expect(cfl.parse(#"{"EdgeResponseStatus":522,"EdgeStartTimestamp":"2026-11-20T11:00:03+01:00"}"#) == .entry(status: StatusCode(522)!, time: 1_795_168_803))
        var caddy = LogFormat.caddy.makeParser()
        #expect(caddy.parse(#"{"ts":1795168800.6014807,"request":{"uri":"/"},"status":502}"#) == .entry(status: StatusCode(502)!, time: 1_795_168_800))
        var ha = HAProxyParser()
        #expect(ha.parse("x haproxy[1]: 1.2.3.4:5 [20/Nov/2026:10:00:02.200] www www/web1 0/0/1/-1/5003 -1 0 - - CD-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"") == .entry(status: .noResponse, time: 1_795_168_802))
    }

    @Test("HAProxy: only a line with the HTTP log's five timers and a quoted request has a status")
    func haproxyShape() {
        var ha = HAProxyParser()
        let head = "lb haproxy[1]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 "
        #expect(ha.parse(head + "0/0/5007 212 -- 0/0/0/0/3 0/0") == .unparsed)          // tcplog
        #expect(ha.parse(head + "0/0/5007 503 -- 0/0/0/0/3 0/0") == .unparsed)
        #expect(ha.parse(head + "0/0/0/1/1 200 10 - - ---- 1/1/0/0/0 0/0") == .unparsed)  // no request
        #expect(ha.parse(head + "0/0/0/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"") == .unparsed)
        #expect(ha.parse(head + "0/0/0/1/1/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"") == .unparsed)
        #expect(ha.parse(head + "0/0/x/1/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"") == .unparsed)
        #expect(ha.parse(head + "0/0/0/1/ 200 10 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"") == .unparsed)
        #expect(ha.parse(head + "0/0/0/1/1 200 10 - - ---- 1/1/0/0/0 0/0 \"GET /cut-by-sysl") == .entry(status: StatusCode(200)!, time: 1_233_922_371))
        #expect(ha.parse(head + "-1/-1/-1/-1/+0 400 0 - - CR-- 1/1/0/0/0 0/0 \"<BADREQ>\"") == .entry(status: StatusCode(400)!, time: 1_233_922_371))
    }

    @Test("JSON: dotted paths, escapes, nested objects and arrays before the key")
    func jsonPaths() {
        var p = JSONParser(statusKeys: ["response.status"], timeKeys: ["meta.time"])
        let line = #"{"a":[1,{"status":999}],"msg":"say \"status\": 1","response":{"headers":{"x":["y"]},"status":503},"meta":{"time":"2026-11-20T10:00:00Z"}}"#
        #expect(p.parse(line) == .entry(status: StatusCode(503)!, time: 1_795_168_800))
        #expect(p.parse(#"{"response":{"code":503}}"#) == .unparsed)
        #expect(p.parse("not json") == .unparsed)
    }

    @Test("JSON: a line cut off in the middle of its object is one unparsed line; a pretty-printed object is gathered")
    func jsonCutOffLine() {
        var p = LogFormat.nginxJSON.makeParser()
        let whole = #"{"time_iso8601":"2026-11-20T10:00:00+00:00","status":"200","request":"GET / HTTP/1.1"}"#
        #expect(p.parse(String(whole.prefix(60))) == .unparsed)
        #expect(p.parse(#"{"time_iso8601":"2026-11-20T10:00:00+00:00","request":"GET /a{b"#) == .unparsed)
        // The lines after it are read as ever.
        for _ in 0..<3 { #expect(p.parse(whole) == .entry(status: StatusCode(200)!, time: 1_795_168_800)) }
        // The first line of a pretty-printed object ends with its brace; the object is one entry.
        for line in ["{", #"  "status": "503","#, #"  "upstream": {"#, #"    "addr": "127.0.0.1:9""#, "  },",
                     #"  "time_iso8601": "2026-11-20T10:00:01Z""#] {
            #expect(p.parse(line) == .ignored)
        }
        #expect(p.parse("}") == .entry(status: StatusCode(503)!, time: 1_795_168_801))
        #expect(p.parse(whole) == .entry(status: StatusCode(200)!, time: 1_795_168_800))
    }

    @Test("W3C: a #Fields header that changes in the middle of a file is followed")
    func w3cHeaderChange() {
        var p = W3CParser()
        #expect(p.parse("#Fields: date time sc-status cs-uri-stem") == .ignored)
        #expect(p.parse("2026-11-20 10:00:00 503 /a") == .entry(status: StatusCode(503)!, time: 1_795_168_800))
        #expect(p.parse("#Fields: cs-uri-stem sc-status") == .ignored)
        #expect(p.parse("/b 404") == .entry(status: StatusCode(404)!, time: nil))
    }

    @Test("a syslog or container prefix before a field-counting format is removed")
    func prefixes() {
        let alb = #"https 2026-11-20T10:00:01.5Z app/lb/1 1.2.3.4:1 - 0.001 -1 -1 460 - 34 0 "GET https://x:443/ HTTP/1.1" "ua""#
        var plain = LogFormat.alb.makeParser()
        #expect(plain.parse(alb) == .entry(status: StatusCode(460)!, time: 1_795_168_801))
        var syslog = LogFormat.alb.makeParser(FormatOptions(prefix: .syslog))
        #expect(syslog.parse("Nov 20 10:00:01 lb1 alb-logs: " + alb) == .entry(status: StatusCode(460)!, time: 1_795_168_801))
        var auto = LogFormat.alb.makeParser()
        #expect(auto.parse("Nov 20 10:00:01 lb1 alb-logs[12]: " + alb) == .entry(status: StatusCode(460)!, time: 1_795_168_801))
        var w3c = LogFormat.w3c.makeParser()
        #expect(w3c.parse("iis  | #Fields: date time sc-status") == .ignored)
        #expect(w3c.parse("iis  | 2026-11-20 10:00:00 503") == .entry(status: StatusCode(503)!, time: 1_795_168_800))
        var none = LogFormat.alb.makeParser(FormatOptions(prefix: .none))
        #expect(none.parse("Nov 20 10:00:01 lb1 alb-logs: " + alb) == .unparsed)
    }

    @Test("regex: named groups status and time")
    func regex() throws {
        let pattern = #"^(?<time>\S+) req=\d+ status=(?<status>\d{3})"#
        #expect(RegexParser.problem(with: pattern) == nil)
        #expect(RegexParser.problem(with: #"status=(\d+)"#) != nil)
        #expect(RegexParser.problem(with: #"(?<status>"#) != nil)
        let (c, _) = try Self.count(Fixtures.packageRoot + "/Tests/Fixtures/formats/custom-regex.log", .regex, FormatOptions(pattern: pattern))
        #expect(Self.codes(c) == [200: 1, 503: 1, 0: 1])
        #expect(c.unparsed == 1)
    }

    @Test("random bytes and truncated lines never crash a parser (fixed seed)")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0x5EED)
        var seeds: [[UInt8]] = []
        for e in Self.realFiles + Self.fixtures {
            let path = e.file.contains("/") ? Fixtures.realdata + "/" + e.file : Fixtures.packageRoot + "/Tests/Fixtures/formats/" + e.file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            seeds += text.split(separator: "\n").prefix(20).map { Array($0.utf8) }
        }
        var parsers: [any LineParser] = LogFormat.allCases.filter { $0 != .regex }.map { $0.makeParser() }
        parsers.append(try RegexParser(pattern: #"(?<status>\d{3}) (?<time>\S+)"#))
        var entries = 0
        for round in 0..<20_000 {
            var line: [UInt8]
            if round % 3 == 0 {
                line = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                line = seeds[Int(rng.next() % UInt64(seeds.count))]
                line = Array(line.prefix(Int(rng.next() % UInt64(line.count + 1))))
                for _ in 0..<Int(rng.next() % 4) where !line.isEmpty {
                    line[Int(rng.next() % UInt64(line.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            for k in parsers.indices {
                let r = line.withUnsafeBytes { parsers[k].parse($0) }
                if case .entry(let s, _) = r {
                    entries += 1
                    #expect(s.rawValue < 1000)
                }
            }
        }
        #expect(entries > 0, "the mutated real lines still parse sometimes")
    }
}

/// A small deterministic generator for the fuzz test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
