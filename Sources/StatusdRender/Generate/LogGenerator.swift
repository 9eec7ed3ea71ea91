import StatusdParse
/// A deterministic generator of realistic access logs (combined, nginx-json, CloudFront) with a
/// chosen status mix and incidents: the same format, seed and options give the same bytes.
///
/// Benchmarks and comparisons use it (`statusd gen`): many distinct paths, client addresses, user
/// agents and sizes, a steady rate of lines per second, 1% of lines stamped a second early (nginx
/// writes a line when the request ends, stamped when it began), and incidents during which a share
/// of requests gets a given code.
public struct LogGenerator: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case combined
        case nginxJSON = "nginx-json"
        case cloudfront
        /// nginx with a custom `log_format` (`nginxCustomFormat`): host and upstream status first.
        case nginxCustom = "nginx-custom"
    }

    /// The `log_format` of `nginx-custom` lines, as an input's `log_format:` takes it.
    public static let nginxCustomFormat = #"$host $upstream_status $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_addr $request_time"#

    /// From `offset` seconds after the start, for `duration` seconds, `share` of the requests get `code`.
    public struct Incident: Sendable, Equatable {
        public var offset: Int64
        public var duration: Int64
        public var code: UInt16
        public var share: Double

        public init(offset: Int64, duration: Int64, code: UInt16, share: Double) {
            self.offset = offset
            self.duration = duration
            self.code = code
            self.share = share
        }

        /// `OFFSET+DURATION:CODE:SHARE`, seconds and a percentage or fraction: `600+120:502:30%`.
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 3 else { return nil }
            let span = parts[0].split(separator: "+")
            guard span.count == 2, let o = Int64(span[0]), let d = Int64(span[1]), o >= 0, d > 0,
                  let c = UInt16(parts[1]), c < 1000 else { return nil }
            var s = String(parts[2])
            var scale = 1.0
            if s.hasSuffix("%") { s.removeLast(); scale = 0.01 }
            guard let v = Double(s), v * scale >= 0, v * scale <= 1 else { return nil }
            self.init(offset: o, duration: d, code: c, share: v * scale)
        }
    }

    /// The healthy mix: code and weight (parts per 10,000).
    public static let defaultMix: [(code: UInt16, weight: Int)] = [
        (200, 8_700), (304, 400), (404, 300), (301, 120), (206, 100), (302, 80), (499, 60),
        (500, 50), (502, 70), (503, 50), (504, 30), (403, 40),
    ]

    public let format: Format
    public let start: Int64
    public let linesPerSecond: Int
    public let incidents: [Incident]
    private var rng: SplitMix64
    private var mixTable: [UInt16] = []
    private var stampSecond: Int64 = .min
    private var stamp: [UInt8] = []

    public init(format: Format, seed: UInt64, start: Int64 = 1_795_168_800, linesPerSecond: Int = 300,
                incidents: [Incident] = [], mix: [(code: UInt16, weight: Int)] = LogGenerator.defaultMix) {
        self.format = format
        self.start = start
        self.linesPerSecond = max(1, linesPerSecond)
        self.incidents = incidents
        rng = SplitMix64(seed: seed)
        for (code, weight) in mix { mixTable += Array(repeating: code, count: max(0, weight)) }
        if mixTable.isEmpty { mixTable = [200] }
    }

    /// What comes before the first line (CloudFront's `#Version` and `#Fields`).
    public func header() -> [UInt8] {
        guard format == .cloudfront else { return [] }
        return Array(("#Version: 1.0\n#Fields: " + Self.cloudFrontFields + "\n").utf8)
    }

    /// Appends line `i` (0-based) with its newline.
    public mutating func appendLine(_ i: Int, to out: inout [UInt8]) {
        var t = start + Int64(i / linesPerSecond)
        if rng.below(100) == 0 { t -= 1 }
        let code = status(at: t - start)
        let path = Self.paths[rng.below(Self.paths.count)]
        let id = rng.below(100_000)
        let bytes = code == 304 || code == 204 ? 0 : 200 + rng.below(60_000)
        let ip = rng.below(1 << 24)
        let agent = Self.agents[rng.below(Self.agents.count)]
        switch format {
        case .combined, .nginxCustom:
            // nginx-custom is combined with `$host $upstream_status ` before it and
            // ` $upstream_addr $request_time` after it (LogGenerator.nginxCustomFormat).
            if format == .nginxCustom {
                out += Self.hosts[id & 3]
                out.append(UInt8(ascii: " "))
                appendInt(Int(code), &out, width: 3)
                out.append(UInt8(ascii: " "))
            }
            appendIP(ip, &out)
            out += Self.dashes
            out.append(UInt8(ascii: "["))
            appendStamp(t, &out)
            out += Self.afterStamp
            out += Self.methods[rng.below(8) == 0 ? 1 : 0]
            out.append(UInt8(ascii: " "))
            out += path
            appendInt(id, &out)
            out += Self.proto
            appendInt(Int(code), &out, width: 3)
            out.append(UInt8(ascii: " "))
            appendInt(bytes, &out)
            out += Self.space2Quote
            out += Self.referers[rng.below(Self.referers.count)]
            out += Self.quoteSpaceQuote
            out += agent
            if format == .nginxCustom {
                out += Self.beforeUpstream
                appendInt(1 + (id & 7), &out)
                out += Self.afterUpstream
                appendInt(rng.below(1000), &out, width: 3)
                out.append(0x0A)
            } else {
                out += Self.quoteNewline
            }
        case .nginxJSON:
            out += Array(#"{"time_iso8601":""#.utf8)
            appendISO(t, &out)
            out += Array(#"","remote_addr":""#.utf8)
            appendIP(ip, &out)
            out += Array(#"","request":""#.utf8)
            out += Self.methods[rng.below(8) == 0 ? 1 : 0]
            out.append(UInt8(ascii: " "))
            out += path
            appendInt(id, &out)
            out += Array(#" HTTP/1.1","status":""#.utf8)
            appendInt(Int(code), &out, width: 3)
            out += Array(#"","body_bytes_sent":""#.utf8)
            appendInt(bytes, &out)
            out += Array(#"","request_time":"0."#.utf8)
            appendInt(rng.below(1000), &out, width: 3)
            out += Array(#"","http_referer":""#.utf8)
            out += Self.referers[rng.below(Self.referers.count)]
            out += Array(#"","http_user_agent":""#.utf8)
            out += agent
            out += Array("\"}\n".utf8)
        case .cloudfront:
            appendDate(t, &out)
            out.append(0x09)
            appendTime(t, &out)
            out += Array("\tFRA56-P1\t".utf8)
            appendInt(bytes, &out)
            out.append(0x09)
            appendIP(ip, &out)
            out += Array("\tGET\td111111abcdef8.cloudfront.net\t".utf8)
            out += path
            appendInt(id, &out)
            out.append(0x09)
            appendInt(Int(code), &out, width: 3)
            out += Array("\t-\tMozilla/5.0%20(X11;%20Linux%20x86_64)\t-\t-\t".utf8)
            out += code >= 500 ? Array("Error".utf8) : Array("Hit".utf8)
            out += Array("\tAbC".utf8)
            appendInt(id, &out)
            out += Array("==\twww.example.com\thttps\t".utf8)
            appendInt(100 + rng.below(400), &out)
            out += Array("\t0.0".utf8)
            appendInt(rng.below(100), &out, width: 2)
            out += Array("\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t".utf8)
            appendInt(1024 + rng.below(60_000), &out)
            out += Array("\t0.001\tHit\ttext/html\t".utf8)
            appendInt(bytes, &out)
            out += Array("\t-\t-\n".utf8)
        }
    }

    /// The code of a request `offset` seconds after the start: an incident's code for its share,
    /// else the healthy mix.
    private mutating func status(at offset: Int64) -> UInt16 {
        let roll = rng.unit()
        for incident in incidents where offset >= incident.offset && offset < incident.offset + incident.duration {
            if roll < incident.share { return incident.code }
        }
        return mixTable[rng.below(mixTable.count)]
    }

    // MARK: text

    private static let dashes = Array(" - - ".utf8)
    private static let afterStamp = Array(" +0000] \"".utf8)
    private static let proto = Array(" HTTP/1.1\" ".utf8)
    private static let space2Quote = Array(" \"".utf8)
    private static let quoteSpaceQuote = Array("\" \"".utf8)
    private static let quoteNewline = Array("\"\n".utf8)
    private static let beforeUpstream = Array("\" 10.0.0.".utf8)
    private static let afterUpstream = Array(":8080 0.".utf8)
    private static let hosts = ["shop.example.com", "www.example.com", "api.example.com", "static.example.com"].map { Array($0.utf8) }
    private static let methods = [Array("GET".utf8), Array("POST".utf8)]
    private static let paths = [
        "/", "/index.html?v=", "/api/v1/cart?id=", "/api/v1/products/", "/static/app.", "/img/p/",
        "/search?q=item", "/account/orders/", "/blog/2026/11/post-", "/feed.xml?page=",
    ].map { Array($0.utf8) }
    private static let agents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "curl/8.4.0", "Googlebot/2.1 (+http://www.google.com/bot.html)",
    ].map { Array($0.utf8) }
    private static let referers = ["-", "https://www.example.com/", "https://www.google.com/", "https://www.example.com/cart"]
        .map { Array($0.utf8) }
    static let cloudFrontFields = "date\ttime\tx-edge-location\tsc-bytes\tc-ip\tcs-method\tcs(Host)\tcs-uri-stem\tsc-status\tcs(Referer)\tcs(User-Agent)\tcs-uri-query\tcs(Cookie)\tx-edge-result-type\tx-edge-request-id\tx-host-header\tcs-protocol\tcs-bytes\ttime-taken\tx-forwarded-for\tssl-protocol\tssl-cipher\tx-edge-response-result-type\tcs-protocol-version\tfle-status\tfle-encrypted-fields\tc-port\ttime-to-first-byte\tx-edge-detailed-result-type\tsc-content-type\tsc-content-len\tsc-range-start\tsc-range-end"
        .replacingTabs()
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    private func appendIP(_ v: Int, _ out: inout [UInt8]) {
        appendInt(10 + (v >> 16) % 200, &out); out.append(UInt8(ascii: "."))
        appendInt((v >> 8) & 255, &out); out.append(UInt8(ascii: "."))
        appendInt(v & 255, &out); out.append(UInt8(ascii: "."))
        appendInt(1 + v % 254, &out)
    }

    private func appendInt(_ v: Int, _ out: inout [UInt8], width: Int = 1) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(48 + x % 10); x /= 10; n += 1 } while x > 0 || n < width
            while n > 0 { n -= 1; out.append(d[n]) }
        }
    }

    /// `20/Nov/2026:10:00:00`, built once per second.
    private mutating func appendStamp(_ t: Int64, _ out: inout [UInt8]) {
        if t != stampSecond {
            stampSecond = t
            stamp.removeAll(keepingCapacity: true)
            let (y, m, d) = CivilTime.civilFromDays(Self.floorDiv(t, 86400))
            appendInt(d, &stamp, width: 2); stamp.append(UInt8(ascii: "/"))
            stamp += Self.months[m - 1]; stamp.append(UInt8(ascii: "/"))
            appendInt(y, &stamp, width: 4); stamp.append(UInt8(ascii: ":"))
            appendClock(t, &stamp, separator: UInt8(ascii: ":"))
        }
        out += stamp
    }

    /// `2026-11-20T10:00:00+00:00`
    private func appendISO(_ t: Int64, _ out: inout [UInt8]) {
        appendDate(t, &out)
        out.append(UInt8(ascii: "T"))
        appendTime(t, &out)
        out += Array("+00:00".utf8)
    }

    private func appendDate(_ t: Int64, _ out: inout [UInt8]) {
        let (y, m, d) = CivilTime.civilFromDays(Self.floorDiv(t, 86400))
        appendInt(y, &out, width: 4); out.append(UInt8(ascii: "-"))
        appendInt(m, &out, width: 2); out.append(UInt8(ascii: "-"))
        appendInt(d, &out, width: 2)
    }

    private func appendTime(_ t: Int64, _ out: inout [UInt8]) { appendClock(t, &out, separator: UInt8(ascii: ":")) }

    private func appendClock(_ t: Int64, _ out: inout [UInt8], separator: UInt8) {
        let s = Int(t - Self.floorDiv(t, 86400) * 86400)
        appendInt(s / 3600, &out, width: 2); out.append(separator)
        appendInt(s / 60 % 60, &out, width: 2); out.append(separator)
        appendInt(s % 60, &out, width: 2)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
}

private extension String {
    /// The CloudFront field list is written with tabs in the source for reading; `#Fields:` uses spaces.
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}

/// SplitMix64: a small, fast, well-mixed deterministic generator.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Uniform in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
