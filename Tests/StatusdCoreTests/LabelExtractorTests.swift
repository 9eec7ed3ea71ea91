import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Each format's label extractor against real lines (shared/realdata) and fixtures: virtual host,
/// folded path, upstream, or none where the format has none.
@Suite("labels: host, path and upstream from each format")
struct LabelExtractorTests {
    typealias Labels = (host: String?, path: String?, upstream: String?)

    func labels(_ format: LogFormat, _ line: String, headers: [String] = [], prefix: LinePrefix = .auto) -> Labels {
        var e = LabelExtractor(format: format, options: FormatOptions(prefix: prefix))
        for h in headers { e.observe(h) }
        return e.labels(of: line)
    }

    func fixture(_ name: String) throws -> [String] {
        let text = try String(contentsOfFile: Fixtures.packageRoot + "/Tests/Fixtures/formats/" + name, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    @Test("Apache vhost_combined: the host:port prefix gives the host; the request its path")
    func vhostCombined() throws {
        let lines = try Fixtures.lines("apache/apachelogs_vhost_combined.log")
        let l = labels(.combined, lines[1])
        #expect(l.host == "www.varonathe.org")
        #expect(l.path == "/robots.txt")
        #expect(l.upstream == nil)
    }

    @Test("combined without a vhost: no host; the path with ids folded, query dropped")
    func combined() throws {
        let lines = try Fixtures.lines("nginx/lnav_shop_access_log.log")
        let l = labels(.combined, lines[1])
        #expect(l.host == nil)
        #expect(l.path == "/image/:id/productModel/200x200")
        let apache = try Fixtures.lines("apache/elastic-examples_apache_logs.log")
        #expect(labels(.combined, apache[0]).path != nil)
        #expect(labels(.combined, #"1.2.3.4 - - [20/Nov/2026:10:00:00 +0000] "GET /a/b?id=7 HTTP/1.1" 502 0 "-" "ua""#).path == "/a/b")
        // A `"-"` request and scanner garbage yield no path, and no crash.
        #expect(labels(.combined, #"1.2.3.4 - - [20/Nov/2026:10:00:00 +0000] "-" 400 0 "-" "-""#).path == nil)
        let garbage = try fixture("nginx-499-444.log")[4]
        _ = labels(.combined, garbage)
    }

    @Test("combined through syslog: the prefix is not mistaken for a vhost")
    func syslogCombined() throws {
        let lines = try Fixtures.lines("edge-cases/lnav_syslog_with_access_log.log")
        for line in lines where line.contains("\"GET") {
            #expect(labels(.combined, line).host == nil, "\(line)")
        }
    }

    @Test("nginx JSON: host, request_uri and the last upstream tried")
    func nginxJSON() throws {
        let l = labels(.nginxJSON, #"{"host":"Shop.Example:443","request_uri":"/api/orders/12345?x=1","status":"502","upstream_addr":"10.0.0.1:8080, 10.0.0.2:8080"}"#)
        #expect(l.host == "shop.example")
        #expect(l.path == "/api/orders/:id")
        #expect(l.upstream == "10.0.0.2:8080")
        // The fixture logs the request line, not request_uri.
        let f = try fixture("nginx-json.log")
        #expect(labels(.nginxJSON, f[1]).path == "/slow")
    }

    @Test("Caddy: nested request.host and request.uri")
    func caddy() throws {
        let lines = try Fixtures.lines("caddy/lnav_caddy.jsonl")
        let l = labels(.caddy, lines[1])
        #expect(l.host == "mirrors.tnonline.net")
        #expect(l.path == "/gentoo/gentoo-portage/app-emulation/metadata.xml")
        // Through a container prefix, by `auto`.
        let prefixed = try Fixtures.lines("caddy/lnav_caddy_compose_prefixed.log").first { $0.contains("\"uri\"") }!
        #expect(labels(.auto, prefixed).path != nil)
    }

    @Test("Cloudflare: ClientRequestHost and ClientRequestURI")
    func cloudflare() throws {
        let lines = try Fixtures.lines("cloudflare/lnav_cloudflare.jsonl")
        #expect(labels(.cloudflare, lines[0]).host == "www.example.com")
        #expect(labels(.cloudflare, lines[0]).path == "/")
        let f = try fixture("cloudflare-52x.jsonl")
        #expect(labels(.cloudflare, f[1]).path == "/shop")
        #expect(labels(.json, f[1]).host == "www.example.com")
    }

    @Test("Akamai and Traefik")
    func akamaiTraefik() throws {
        let a = try fixture("akamai-ds2.jsonl")
        #expect(labels(.akamai, a[2]).host == "www.example.com")
        #expect(labels(.akamai, a[2]).path == "/api")
        let t = try fixture("traefik.jsonl")
        #expect(labels(.traefik, t[1]).path == "/api")
        #expect(labels(.traefik, t[1]).host == nil)
    }

    @Test("CloudFront: x-host-header before cs(Host), cs-uri-stem, from the header or the default order")
    func cloudfront() throws {
        let lines = try Fixtures.lines("cloudfront/claygregory_web-1-0.txt")
        let header = lines.first { $0.hasPrefix("#Fields:") }!
        let data = lines.filter { !$0.hasPrefix("#") }
        let l = labels(.cloudfront, data[0], headers: [header])
        #expect(l.host == "d111111abcdef8.cloudfront.net")
        #expect(l.path == "/view/my/file.html")
        let f = try fixture("cloudfront-000.log")
        #expect(labels(.cloudfront, f[2], headers: [f[1]]).host == "www.example.com")
        // No header seen: CloudFront's documented order has cs(Host) and cs-uri-stem.
        #expect(labels(.cloudfront, f[2]).host == "d111111abcdef8.cloudfront.net")
        #expect(labels(.cloudfront, f[2]).path == "/index.html")
    }

    @Test("IIS W3C: cs-uri-stem from the #Fields: header; no host field, no host")
    func iis() throws {
        let lines = try Fixtures.lines("w3c/lnav_w3c_big.log")
        let header = lines.first { $0.hasPrefix("#Fields:") }!
        let line = lines.first { !$0.hasPrefix("#") && !$0.isEmpty }!
        let l = labels(.w3c, line, headers: [header])
        #expect(l.path == "/robots.txt")
        #expect(l.host == nil)
        // Before any header: nothing.
        #expect(labels(.w3c, line).path == nil)
    }

    @Test("ALB: host and path from the request URL, upstream from target:port")
    func alb() throws {
        let f = try fixture("alb-460.log")
        let l = labels(.alb, f[1])
        #expect(l.host == "www.example.com")
        #expect(l.path == "/report")
        #expect(l.upstream == "10.0.0.1:80")
        #expect(labels(.alb, f[2]).upstream == nil) // `-`: no target answered
    }

    @Test("HAProxy: backend/server as upstream, the request's path")
    func haproxy() throws {
        let lines = try Fixtures.lines("haproxy/lnav_haproxy.log")
        let line = lines.first { $0.contains("/admin/colt") }!
        let l = labels(.haproxy, line)
        #expect(l.upstream == "bk_admin/nginx_sonst")
        #expect(l.path == "/admin/colt/administration")
        let f = try fixture("haproxy-aborts.log")
        #expect(labels(.haproxy, f[3]).upstream == "www/<NOSRV>")
        #expect(labels(.haproxy, f[3]).path == "/api")
    }

    @Test("regex yields no labels; auto reads JSON and combined lines")
    func regexAndAuto() throws {
        var r = LabelExtractor(format: .regex)
        #expect(!r.yieldsLabels)
        #expect(r.labels(of: "anything").path == nil)
        let vhost = try Fixtures.lines("apache/apachelogs_vhost_combined.log")[0]
        #expect(labels(.auto, vhost).host == "www.varonathe.org")
        #expect(labels(.auto, #"{"ClientRequestHost":"a.example","ClientRequestURI":"/x/1"}"#).path == "/x/:id")
    }

    @Test("ids fold: numbers, UUIDs, long hex with a digit; words and sizes stay")
    func folding() {
        #expect(LabelText.path("/api/orders/12345") == "/api/orders/:id")
        #expect(LabelText.path("/api/orders/12345/items/7?x=1#f") == "/api/orders/:id/items/:id")
        #expect(LabelText.path("/u/550e8400-e29b-41d4-a716-446655440000/edit") == "/u/:id/edit")
        #expect(LabelText.path("/blob/5f2b9c0e1d") == "/blob/:id")
        #expect(LabelText.path("/blob/deadbeef") == "/blob/deadbeef")
        #expect(LabelText.path("/v2/users/") == "/v2/users/")
        #expect(LabelText.path("/image/200x200") == "/image/200x200")
        #expect(LabelText.path("") == "/")
        #expect(LabelText.path("/api/orders/1", segments: 1) == "/api")
        #expect(LabelText.path("/", segments: 1) == "/")
        #expect(LabelText.host("Shop.Example.:8080") == "shop.example")
        #expect(LabelText.host("[2001:db8::1]:443") == "[2001:db8::1]:443")
        // Untrusted bytes stay printable ASCII and bounded.
        #expect(LabelText.path("/a\u{1b}[31m/x") == "/:odd/x")
        #expect(LabelText.path("/[x](https://evil.example)") == "/:odd//:odd")
        #expect(LabelText.path("/<!channel>/**bold**/@here") == "/:odd/:odd/:odd")
        #expect(LabelText.path("/wp-login.php") == "/wp-login.php")
        #expect(LabelText.path("/~user/a_b%20c") == "/~user/a_b%20c")
        #expect(LabelText.host("<!here>.example") == "??here?.example")
        #expect(LabelText.path("/" + String(repeating: "a", count: 1000)).utf8.count <= LabelText.maxPath)
    }
}
