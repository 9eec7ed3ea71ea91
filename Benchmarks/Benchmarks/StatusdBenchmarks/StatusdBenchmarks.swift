// The hot paths of statusd, each reporting throughput and heap allocations:
//   RuleEval/10s and RuleEval/6h  rule evaluation per event second (3 rate rules, one input, the
//                                 window prefilled with traffic); the claim is a ratio near 1
//   LineSplit                     cutting 1 MiB of combined lines (LineAssembler, memchr)
//   Parse/<format>                status and time of one line, per format
//   WindowUpdate                  counting lines into an input's tally and per-second ring
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
// One scaled iteration is one unit of the name's work: a second evaluated, a line split, parsed or
// counted; throughput is in those units per second (K = thousands).
import Benchmark
import StatusdCore

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    // MARK: rule evaluation, 10 s against 6 h

    for (name, window) in [("RuleEval/10s", Int64(10)), ("RuleEval/6h", Int64(6 * 3600))] {
        Benchmark(name) { benchmark, state in
            // Each scaled iteration is one further second with 5 lines: the line of the next
            // second makes the monitor evaluate the previous one for all three rules.
            for _ in benchmark.scaledIterations {
                state.second += 1
                for k in 0..<5 {
                    state.monitor.accept(.entry(status: Traffic.code(state.second, k), time: state.second), input: 0, arrival: state.second)
                }
                blackHole(state.monitor.takeTransitions())
            }
        } setup: {
            RuleEvalState(window: window)
        }
    }

    // MARK: line split

    let chunk = Traffic.combinedChunk(bytes: 1 << 20)
    Benchmark("LineSplit", configuration: .init(scalingFactor: .one)) { benchmark in
        // One iteration splits the whole chunk (about 5,000 lines); throughput in chunks/s.
        var assembler = LineAssembler()
        for _ in benchmark.scaledIterations {
            var lines = 0
            chunk.withUnsafeBytes { bytes in assembler.feed(bytes) { _ in lines += 1 } }
            blackHole(lines)
        }
    }

    // MARK: status parse per format

    for format in [LogFormat.combined, .nginxJSON, .cloudfront, .w3c, .alb, .haproxy, .caddy] {
        let sample = Traffic.lines(format, count: 1000)
        Benchmark("Parse/\(format.rawValue)") { benchmark in
            var parser = format.makeParser()
            // Headers first (W3C `#Fields:`), outside the measured loop.
            for header in sample.headers { blackHole(parser.parse(header)) }
            sample.bytes.withUnsafeBytes { all in
                var k = 0
                for _ in benchmark.scaledIterations {
                    let r = sample.ranges[k]
                    k = k + 1 == sample.ranges.count ? 0 : k + 1
                    blackHole(parser.parse(UnsafeRawBufferPointer(rebasing: all[r])))
                }
            }
        }
    }

    // MARK: window update

    Benchmark("WindowUpdate") { benchmark in
        // 300 lines a second into a 5-minute ring: a table increment per line, a flush per second.
        var tally = InputTally(windowSeconds: 302)
        var t: Int64 = 1_795_168_800
        var k = 0
        for _ in benchmark.scaledIterations {
            k += 1
            if k == 300 { k = 0; t += 1 }
            let code = Traffic.code(t, k)
            if !tally.count(code, at: t) {
                tally.flush()
                _ = tally.count(code, at: t)
            }
        }
        blackHole(tally.totals.requests)
    }
}

/// A monitor with three rate rules (5xx, 52x, aborts) over one window length, its ring full of
/// traffic, and the second it has reached.
final class RuleEvalState: @unchecked Sendable {
    var monitor: Monitor
    var second: Int64 = 1_795_168_800

    init(window: Int64) {
        let rules = [
            Rule(name: "server-errors", match: try! StatusSet.parse(["5xx"]).get(), rateAbove: 0.05, window: window),
            Rule(name: "origin-errors", match: try! StatusSet.parse(["52x"]).get(), rateAbove: 0.01, window: window),
            Rule(name: "client-aborts", match: try! StatusSet.parse(["aborts"]).get(), rateAbove: 0.10, window: window),
        ]
        var input = InputConfig(name: "web", paths: [])
        input.maxSkewSeconds = .max
        monitor = Monitor(inputs: [input], rules: rules, clock: .lines)
        // The whole window (and then some) filled, 5 lines a second.
        for _ in 0..<(window + 10) {
            second += 1
            for k in 0..<5 { monitor.accept(.entry(status: Traffic.code(second, k), time: second), input: 0, arrival: second) }
        }
        _ = monitor.takeTransitions()
    }
}

/// Deterministic traffic for the benchmarks.
enum Traffic {
    /// A status mix with a little of everything the default rules watch: mostly 200, some 304,
    /// 404, 499, 502 and 503.
    static func code(_ second: Int64, _ k: Int) -> StatusCode {
        let table: [UInt16] = [200, 200, 200, 304, 200, 404, 200, 200, 502, 200, 200, 499, 200, 503, 200, 200, 200]
        return StatusCode(unchecked: table[Int((second &* 7 &+ Int64(k)) % Int64(table.count))])
    }

    struct Sample {
        var headers: [String] = []
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
    }

    static func lines(_ format: LogFormat, count: Int) -> Sample {
        var s = Sample()
        if format == .w3c {
            s.headers = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
                         "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"]
        }
        if format == .cloudfront {
            s.headers = ["#Version: 1.0", "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end"]
        }
        for i in 0..<count {
            let t = 1_795_168_800 + Int64(i / 10)
            let line = text(format, i: i, t: t, code: code(t, i).rawValue)
            let start = s.bytes.count
            s.bytes += Array(line.utf8)
            s.ranges.append(start..<s.bytes.count)
        }
        return s
    }

    static func combinedChunk(bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while out.count < bytes {
            let t = 1_795_168_800 + Int64(i / 300)
            out += Array((text(.combined, i: i, t: t, code: code(t, i).rawValue) + "\n").utf8)
            i += 1
        }
        return out
    }

    static func text(_ format: LogFormat, i: Int, t: Int64, code: UInt16) -> String {
        let s = t % 86400
        let hms = "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
        let path = "/api/v1/cart?id=\(i * 7919 % 100_000)"
        switch format {
        case .nginxJSON:
            return #"{"time_iso8601":"2026-11-20T\#(hms)+00:00","remote_addr":"203.0.113.\#(i % 250)","request":"GET \#(path) HTTP/1.1","status":"\#(code)","body_bytes_sent":"\#(i % 9000)","request_time":"0.012","http_referer":"https://www.example.com/","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}"#
        case .caddy:
            return #"{"level":"info","ts":\#(t).123,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.\#(i % 250)","method":"GET","host":"example.com","uri":"\#(path)","headers":{"User-Agent":["curl/8.0"]}},"bytes_read":0,"duration":0.0012,"size":\#(i % 9000),"status":\#(code)}"#
        case .cloudfront:
            return "2026-11-20\t\(hms)\tFRA56-P1\t\(i % 9000)\t192.0.2.\(i % 250)\tGET\td111111abcdef8.cloudfront.net\t/x/\(i)\t\(code)\t-\tMozilla/5.0%20(X11;%20Linux%20x86_64)\t-\t-\tHit\tAbC\(i)==\twww.example.com\thttps\t120\t0.002\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t50000\t0.001\tHit\ttext/html\t612\t-\t-"
        case .w3c:
            return "2026-11-20 \(hms) 10.0.0.1 GET /x/\(i) - 443 - 192.0.2.\(i % 250) Mozilla/5.0+(Windows+NT+10.0) - \(code) 0 0 15"
        case .alb:
            return "https 2026-11-20T\(hms).123456Z app/my-lb/50dc6c495c0c9188 192.0.2.\(i % 250):2817 10.0.0.1:80 0.000 0.001 0.000 \(code) \(code) 34 366 \"GET https://www.example.com:443\(path) HTTP/1.1\" \"curl/7.46.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" \"www.example.com\" \"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 2026-11-20T\(hms).000000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"\(code)\" \"-\" \"-\""
        case .haproxy:
            return "Nov 20 \(hms) lb haproxy[1234]: 192.0.2.\(i % 250):39702 [20/Nov/2026:\(hms).123] fe~ be/srv1 0/0/1/2/3 \(code) \(i % 9000) - - ---- 1/1/0/0/0 0/0 \"GET \(path) HTTP/1.1\""
        default:
            return "203.0.113.\(i % 250) - - [20/Nov/2026:\(hms) +0000] \"GET \(path) HTTP/1.1\" \(code) \(i % 9000) \"https://www.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\""
        }
    }

    private static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
