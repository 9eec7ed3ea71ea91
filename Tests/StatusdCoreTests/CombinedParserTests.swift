import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("combined and common log format")
struct CombinedParserTests {
    @Test("Apache combined, 10,000 real lines: exact per-code counts")
    func apacheRealCounts() throws {
        let c = try Fixtures.count("apache/elastic-examples_apache_logs.log", format: .combined)
        #expect(c.code(200) == 9126)
        #expect(c.code(304) == 445)
        #expect(c.code(404) == 213)
        #expect(c.code(301) == 164)
        #expect(c.code(206) == 45)
        #expect(c.code(500) == 3)
        #expect(c.code(416) == 2)
        #expect(c.code(403) == 2)
        #expect(c.requests == 10_000)
        #expect(c.unparsed == 0)
    }

    @Test("nginx combined with an extra quoted field: exact counts")
    func nginxRealCounts() throws {
        let c = try Fixtures.count("nginx/lnav_shop_access_log.log", format: .combined)
        #expect(c.code(200) == 938)
        #expect(c.code(404) == 24)
        #expect(c.code(302) == 20)
        #expect(c.code(301) == 11)
        #expect(c.code(304) == 7)
        #expect(c.requests == 1000)
        #expect(c.unparsed == 0)
    }

    @Test("Apache vhost_combined (host:port first); its one 'Bad line' is unparsed, not a status")
    func vhost() throws {
        let c = try Fixtures.count("apache/apachelogs_vhost_combined.log", format: .combined)
        #expect(c.code(301) == 6)
        #expect(c.requests == 6)
        #expect(c.unparsed == 1)
    }

    @Test("edge cases: a '-' request, a missing field, vhost with extra fields")
    func edgeCases() throws {
        let dash = try Fixtures.count("edge-cases/lnav_access_log.1.log", format: .combined)
        #expect(dash.code(400) == 1)
        #expect(dash.unparsed == 0)
        let regexp = try Fixtures.count("edge-cases/lnav_regexp_access_log.log", format: .combined)
        #expect(regexp.code(200) == 2)
        #expect(regexp.unparsed == 0)
        let missing = try Fixtures.count("edge-cases/lnav_bad_access_log.log", format: .combined)
        #expect(missing.code(404) == 1 && missing.code(200) == 2)
        #expect(missing.unparsed == 0)
    }

    @Test("syslog-wrapped access lines parse; the other syslog lines are unparsed, never a status")
    func syslogWrapped() throws {
        let c = try Fixtures.count("edge-cases/lnav_syslog_with_access_log.log", format: .combined)
        #expect(c.code(200) == 1)
        #expect(c.code(404) == 1)
        #expect(c.requests == 2)
        #expect(c.unparsed == 3)
    }

    @Test("the time in brackets is read, with its zone")
    func time() {
        #expect(parsed(#"83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 203023 "-" "x""#)
            == .entry(status: StatusCode(200)!, time: 1_431_857_103))
        #expect(parsed(#"54.36.149.41 - - [22/Jan/2019:03:56:14 +0330] "GET / HTTP/1.1" 200 30577 "-" "x" "-""#)
            == .entry(status: StatusCode(200)!, time: 1_548_116_774))
        // A broken time leaves the status readable; the line is counted at arrival.
        #expect(parsed(#"1.2.3.4 - - [99/Foo/2015:10:05:03 +0000] "GET / HTTP/1.1" 503 0"#)
            == .entry(status: StatusCode(503)!, time: nil))
    }

    @Test("escaped quotes in the request (Apache \\\" and nginx \\x22)")
    func escapes() {
        #expect(parsed(#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a\"b HTTP/1.1" 502 0 "-" "x""#).status == 502)
        #expect(parsed(#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a\x22 200 b HTTP/1.1" 499 0 "-" "x""#).status == 499)
    }

    @Test("common log format, 000 and odd codes")
    func common() {
        #expect(parsed(#"1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#)
            == .entry(status: StatusCode(200)!, time: 971_211_336))
        #expect(parsed(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 000 0"#).status == 0)
    }

    @Test("garbage is unparsed, blank lines ignored, nothing crashes", arguments: [
        "", "   ", "\"", "\"\"", "\" 20", "abc \"GET /\" 2x0 1", "[10/Oct/2000:13:55:36 -0700] \"GET\" 5000 1",
        "\u{0}\u{0}\u{0}", "\"GET / HTTP/1.1\" -", "x [ \"",
    ])
    func garbage(_ line: String) {
        let r = parsed(line)
        if line.allSatisfy({ $0 == " " }) { #expect(r == .ignored) } else { #expect(r == .unparsed) }
    }
}

extension ParseResult {
    var status: Int? {
        if case .entry(let s, _) = self { return Int(s.rawValue) }
        return nil
    }
}
