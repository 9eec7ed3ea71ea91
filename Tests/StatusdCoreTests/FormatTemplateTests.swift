import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// The format compilers (nginx, Apache, HAProxy) and the parser they feed, on lines as the servers
/// write them.
@Suite("format templates")
struct FormatTemplateTests {
    static func parse(_ t: FormatTemplate, _ line: String) -> ParseResult {
        var p = TemplateParser(t)
        return p.parse(line)
    }

    static func labels(_ t: FormatTemplate, _ line: String) -> (host: String?, path: String?, upstream: String?) {
        var options = FormatOptions()
        options.template = t
        var e = LabelExtractor(format: .nginx, options: options)
        return e.labels(of: line)
    }

    // 07/Dec/2026:15:06:42 +0000
    static let t0: Int64 = 1_796_656_002

    @Test func nginxHostAndUpstreamStatusFirst() throws {
        let t = try NginxFormat.compile(#"$host $upstream_status $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_addr $request_time"#)
        let line = #"shop.example 502, 504 : 200 10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /cart?x=1 HTTP/1.1" 200 612 "-" "curl/8" 10.1.0.1:80, 10.1.0.2:80 : 10.1.0.3:80 0.012"#
        #expect(Self.parse(t, line) == .entry(status: StatusCode(unchecked: 200), time: Self.t0))
        let l = Self.labels(t, line)
        #expect(l.host == "shop.example")
        #expect(l.path == "/cart")
        #expect(l.upstream != nil)
        // No upstream: nginx writes `-`.
        #expect(Self.parse(t, #"shop.example - 10.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 503 0 "-" "curl/8" - 0.000"#)
                == .entry(status: StatusCode(unchecked: 503), time: Self.t0))
    }

    @Test func nginxForwardedListBeforeTime() throws {
        let t = try NginxFormat.compile(#"'$remote_addr "$http_x_forwarded_for" [$time_local] "$request" $status $body_bytes_sent';"#)
        #expect(Self.parse(t, #"127.0.0.1 "203.0.113.9, 198.51.100.2" [07/Dec/2026:15:06:42 +0000] "GET /a HTTP/1.1" 404 0"#)
                == .entry(status: StatusCode(unchecked: 404), time: Self.t0))
        // A quote in a header: nginx writes \x22.
        #expect(Self.parse(t, #"127.0.0.1 "x\x22y" [07/Dec/2026:15:06:42 +0000] "GET /a\x22 HTTP/1.1" 200 0"#)
                == .entry(status: StatusCode(unchecked: 200), time: Self.t0))
        // Not this format: unparsed, never a status.
        #expect(Self.parse(t, #"127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 200 0"#) == .unparsed)
        #expect(Self.parse(t, "") == .ignored)
    }

    @Test func nginxJSONEscape() throws {
        let t = try NginxFormat.compile(#"escape=json '{"time":"$time_iso8601","host":"$host","status":"$status",' '"request":"$request","xff":"$http_x_forwarded_for"}'"#)
        let line = #"{"time":"2026-12-07T15:06:42+00:00","host":"a.example","status":"502","request":"GET /q\"x HTTP/1.1","xff":""}"#
        #expect(Self.parse(t, line) == .entry(status: StatusCode(unchecked: 502), time: Self.t0))
        #expect(Self.labels(t, line).host == "a.example")
        // The same with `escape:` given apart.
        let u = try NginxFormat.compile(#"{"time":"$time_iso8601","host":"$host","status":"$status","request":"$request","xff":"$http_x_forwarded_for"}"#, escape: .json)
        #expect(Self.parse(u, line) == .entry(status: StatusCode(unchecked: 502), time: Self.t0))
    }

    @Test func nginxTimeThenStatus() throws {
        let t = try NginxFormat.compile(#"$remote_addr [$time_local] $status"#)
        #expect(Self.parse(t, "127.0.0.1 [07/Dec/2026:15:06:42 +0000] 200") == .entry(status: StatusCode(unchecked: 200), time: Self.t0))
    }

    @Test func nginxMsecAndBraces() throws {
        let t = try NginxFormat.compile(#"${msec} ${status}ms $request_time"#)
        #expect(Self.parse(t, "1796656002.123 301ms 0.001") == .entry(status: StatusCode(unchecked: 301), time: Self.t0))
        #expect(Self.parse(t, "1796656002.123 30ms 0.001") == .unparsed)
    }

    /// An epoch of 19 or more digits does not fit in 64 bits: the line is unparsed, not a crash
    /// (the fuzzer found the overflow trap with a run of nines in `$msec`, `%{msec}t` and strftime `%s`).
    @Test func epochTooLongIsUnparsed() throws {
        let nines = String(repeating: "9", count: 19), many = String(repeating: "9", count: 400)
        let nginx = try NginxFormat.compile(#"escape=none $msec|$status|$request"#)
        #expect(Self.parse(nginx, "\(nines)|500|GET / HTTP/1.1") == .unparsed)
        #expect(Self.parse(nginx, "\(many).5|500|GET / HTTP/1.1") == .unparsed)
        #expect(Self.parse(nginx, "1796656002.123|500|GET / HTTP/1.1") == .entry(status: StatusCode(unchecked: 500), time: Self.t0))
        let apache = try ApacheFormat.compile(#"%{msec}t %>s"#)
        #expect(Self.parse(apache, "\(nines) 500") == .unparsed)
        let strftime = try ApacheFormat.compile(#"%{%s}t %>s"#)
        #expect(Self.parse(strftime, "\(nines) 500") == .unparsed)
        #expect(Self.parse(strftime, "1796656002 500") == .entry(status: StatusCode(unchecked: 500), time: Self.t0))
    }

    @Test func nginxErrors() {
        #expect(throws: FormatError.self) { try NginxFormat.compile(#"$remote_addr [$time_local] "$request""#) }
        do {
            _ = try NginxFormat.compile(#"$remote_addr $ $status"#)
            Issue.record("accepted a bare $")
        } catch {
            #expect(error.offset == 13)
        }
        #expect(throws: FormatError.self) { try NginxFormat.compile(#"$status$remote_addr"#) }
        #expect(throws: FormatError.self) { try NginxFormat.compile(#"escape=xml '$status'"#) }
    }

    @Test func apacheCustom() throws {
        let t = try ApacheFormat.compile(#"%v:%p %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D %{X-Forwarded-For}i"#)
        let line = #"www.example:80 127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET /x?y HTTP/1.1" 500 12 "-" "a \"quoted\" agent" 1234 10.0.0.1, 10.0.0.2"#
        #expect(Self.parse(t, line) == .entry(status: StatusCode(unchecked: 500), time: Self.t0))
        let l = Self.labels(t, line)
        #expect(l.host == "www.example")
        #expect(l.path == "/x")
    }

    @Test func apacheStatusChoiceAndTimes() throws {
        // %s and %>s: the final status counts.
        let t = try ApacheFormat.compile(#"%s %>s %{%Y-%m-%d %H:%M:%S}t.%{msec_frac}t %{msec}t"#)
        #expect(Self.parse(t, "302 404 2026-12-07 15:06:42.123 1796656002123") == .entry(status: StatusCode(unchecked: 404), time: 1_796_656_002))
        let u = try ApacheFormat.compile(#"%400,501{Host}i %<s [%{%d/%b/%Y:%H:%M:%S %z}t] %{sec}t"#)
        #expect(Self.parse(u, "- 200 [07/Dec/2026:16:06:42 +0100] 1796656002") == .entry(status: StatusCode(unchecked: 200), time: 1_796_656_002))
        #expect(throws: FormatError.self) { try ApacheFormat.compile("%h %t %b") }
        #expect(throws: FormatError.self) { try ApacheFormat.compile("%h %>s %J") }
        #expect(throws: FormatError.self) { try ApacheFormat.compile("%>s %{%c}t") }
    }

    @Test func haproxyPresets() throws {
        let t = try HAProxyFormat.compile("httplog")
        let line = #"127.0.0.1:39042 [07/Dec/2026:15:06:42.123] fe be/srv1 0/0/0/1/1 503 212 - - ---- 1/1/0/0/0 0/0 "GET /h HTTP/1.1""#
        #expect(Self.parse(t, line) == .entry(status: StatusCode(unchecked: 503), time: Self.t0))
        let l = Self.labels(t, line)
        #expect(l.upstream == "be/srv1")
        #expect(l.path == "/h")
        // With a syslog prefix, and with captured headers.
        #expect(Self.parse(t, "Dec  7 15:06:42 host haproxy[7]: " + line) == .entry(status: StatusCode(unchecked: 503), time: Self.t0))
        #expect(Self.parse(t, #"127.0.0.1:39042 [07/Dec/2026:15:06:42.123] fe be/<NOSRV> 0/-1/-1/-1/0 -1 0 - - CR-- 1/1/0/0/0 0/0 {a.example} "GET / HTTP/1.1""#)
                == .entry(status: .noResponse, time: Self.t0))
        do {
            _ = try HAProxyFormat.compile("tcplog")
            Issue.record("tcplog accepted")
        } catch { #expect(error.message.contains("tcplog")) }
        let clf = try HAProxyFormat.compile("clf")
        #expect(Self.parse(clf, #"127.0.0.1 - - [07/Dec/2026:15:06:42 +0000] "GET / HTTP/1.1" 200 10 "" "" 39042 123 "fe" "be" "s1" 0 0 0 1 1 "----" 1 1 0 0 0 0 0 "-" "-""#)
                == .entry(status: StatusCode(unchecked: 200), time: Self.t0))
    }

    @Test func haproxyCustom() throws {
        let t = try HAProxyFormat.compile(#"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %{+Q}HU %[var(txn.host)] %{+Q,+E}r"#)
        #expect(Self.parse(t, #"127.0.0.1:1 [07/Dec/2026:15:06:42.001] http~ b/s 0/0/0/0/0 200 5 ---- "/p" example.org "GET /p\" HTTP/1.1""#)
                == .entry(status: StatusCode(unchecked: 200), time: Self.t0))
        #expect(throws: FormatError.self) { try HAProxyFormat.compile("%ci %ZZ %ST") }
        #expect(throws: FormatError.self) { try HAProxyFormat.compile("%ci [%t] %B") }
    }
}
