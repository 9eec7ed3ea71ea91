import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender
#if canImport(Glibc)
import Glibc
#endif

/// The C quote walk (`cscan_json_scan_object`, 64 bytes a block) reads every object exactly as the
/// byte walk does wherever it does not give up, gives up on nothing a log normally holds, and never
/// reads past the end of a line.
@Suite("JSON quote walk")
struct JSONQuoteWalkTests {
    static let paths = ["status", "time", "request.status", "request.ts", "a.b.c"]

    /// Both walks on `text`, the object from `start`.
    struct Outcome {
        var fast: (end: Int, simple: Bool)?
        var fastFound: [Range<Int>?]
        var slow: (end: Int, simple: Bool)?
        var slowFound: [Range<Int>?]
    }

    static func walks(_ text: [UInt8], from start: Int = 0, paths: [String] = paths) -> Outcome {
        let scanner = JSONFieldScanner(paths: paths)
        var fastFound = [Range<Int>?](repeating: nil, count: paths.count)
        var slowFound = fastFound
        let fast = text.withUnsafeBytes { scanner.quoteWalk($0, from: start, into: &fastFound).map { ($0.end, $0.simple) } }
        let slow = text.withUnsafeBytes { scanner.byteWalk($0, from: start, into: &slowFound).map { ($0.end, $0.simple) } }
        return Outcome(fast: fast, fastFound: fastFound, slow: slow, slowFound: slowFound)
    }

    /// A brace-and-string tracker over `text[from..<to]`, as the parser runs it: whether it ends
    /// outside strings at the depth it started at.
    static func trackerReturns(_ text: [UInt8], from: Int, to: Int) -> Bool {
        var depth = 0, inString = false, escaped = false
        for b in text[from..<to] {
            if inString {
                if escaped { escaped = false } else if b == ASCII.backslash { escaped = true } else if b == ASCII.quote { inString = false }
            } else if b == ASCII.quote {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
            }
        }
        return depth == 0 && !inString
    }

    /// Where the quote walk reads an object, the byte walk reads the same ranges and end, and a
    /// `simple` from the quote walk is true of the text. Returns whether the quote walk read it.
    @discardableResult
    static func agree(_ text: [UInt8], from start: Int = 0, paths: [String] = paths,
                      sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let o = walks(text, from: start, paths: paths)
        guard let fast = o.fast else { return false }
        let line = String(decoding: text, as: UTF8.self)
        guard let slow = o.slow else {
            Issue.record("the byte walk rejects what the quote walk read: \(line)", sourceLocation: sourceLocation)
            return true
        }
        #expect(fast.end == slow.end, "\(line)", sourceLocation: sourceLocation)
        #expect(o.fastFound == o.slowFound, "\(line)", sourceLocation: sourceLocation)
        if slow.simple { #expect(fast.simple, "\(line)", sourceLocation: sourceLocation) }
        if fast.simple {
            var brace = start
            while text[brace] != UInt8(ascii: "{") { brace += 1 }
            #expect(trackerReturns(text, from: brace, to: fast.end), "\(line)", sourceLocation: sourceLocation)
        }
        return true
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test("a backslash run or an escaped quote on each side of the 64-byte block boundaries")
    func blockBoundaries() {
        var read = 0, cases = 0
        for prefix in [0, 1, 7, 30] {
            for at in [55, 60, 61, 62, 63, 64, 65, 66, 120, 126, 127, 128, 129] {
                for run in 0...5 {
                    for after in ["\"", "x", "\\\""] {
                        // A string value whose escape run starts `at` bytes after the brace.
                        let head = String(repeating: " ", count: prefix) + #"{"status":"200","ua":""#
                        let fill = max(0, at - (head.count - prefix))
                        let value = String(repeating: "a", count: fill) + String(repeating: "\\", count: run) + after
                        for tail in [#"","time":"1712790000"}"#, #"","time":"1712790000"} "#, #"",  "time" : 5 }"#, "\"}", "\""] {
                            let text = Self.bytes(head + value + tail)
                            cases += 1
                            if Self.agree(text, from: prefix) { read += 1 }
                            var fast = JSONParser(statusKeys: ["status"], timeKeys: ["time"])
                            var reference = ReferenceJSONParser(statusKeys: ["status"], timeKeys: ["time"])
                            let x = text.withUnsafeBytes { fast.parse($0) }
                            let y = text.withUnsafeBytes { reference.parse($0) }
                            #expect(x == y, "\(String(decoding: text, as: UTF8.self))")
                        }
                    }
                }
            }
        }
        // Most of those are whole objects with even runs: the quote walk reads them itself.
        #expect(read > cases / 4)
    }

    @Test("every prefix of a line: short lines, lines cut inside a string or an escape, and the object's own end")
    func truncated() {
        let lines = [
            #"{"time_iso8601":"2026-11-20T10:00:00+00:00","request":"GET /a\"b\\ HTTP/1.1","status":"200","x":{"status":"500"},"arr":[1,{"a":"}"},"]"]}"#,
            #"  {"a":1}"#,
            #"{"status":200,"time":1712790000.5,"request":{"ts":"2024-04-10T23:00:00Z","status":"404"}}"#,
            #"<14>Nov 20 10:00:00 host nginx: {"status":"502","time":"2026-11-20T10:00:00Z","u":"\\\\\"\\"}"#,
        ]
        for line in lines {
            let text = Self.bytes(line)
            for n in 0...text.count {
                let cut = Array(text[0..<n])
                guard let brace = cut.firstIndex(of: UInt8(ascii: "{")) else { continue }
                Self.agree(cut, from: brace)
            }
            // The whole line is read by the quote walk, not handed to the byte walk.
            let brace = text.firstIndex(of: UInt8(ascii: "{"))!
            #expect(Self.walks(text, from: brace).fast != nil, "\(line)")
        }
    }

    @Test("nested objects holding a key of the same name, dotted paths, arrays and strings with braces")
    func nesting() throws {
        let text = Self.bytes(#"{"x":{"status":"500","time":"1"},"status" : "200" , "s":"{[}]\"","request":{"status":"404","a":[{"status":"1"}],"ts":"2024"},"a":{"b":{"c":7}},"time":"2"}"#)
        let o = Self.walks(text)
        #expect(Self.agree(text))
        let value = { (k: Int) in o.fastFound[k].map { String(decoding: text[$0], as: UTF8.self) } }
        #expect(value(0) == "200")
        #expect(value(1) == "2")
        #expect(value(2) == "404")
        #expect(value(3) == "2024")
        #expect(value(4) == "7")
        // The array's braces balance: the object is still simple for the tracker.
        #expect(o.fast?.simple == true)
        // An array whose braces do not balance (`{` closed by `]`) is not: the tracker ends a level deeper.
        let odd = Self.bytes(#"{"a":[{"b":1]],"status":"200"}"#)
        let oo = Self.walks(odd)
        #expect(oo.fast != nil && oo.fast?.simple == false)
        #expect(Self.agree(odd))
        // `[` closed by `}` with the braces balanced stays simple.
        let closedByBrace = Self.bytes(#"{"a":[{"b":1]},"status":"200"}"#)
        #expect(Self.walks(closedByBrace).fast?.simple == true)
        #expect(Self.agree(closedByBrace))
    }

    @Test("what the byte walk reads oddly makes the quote walk give up, never read otherwise")
    func givesUp() {
        for line in [
            #"{"status":2"00","time":"1"}"#,      // a quote in a bare value
            #"{"status":\"200","time":"1"}"#,     // a backslash outside a string
            #"{"status":,"time":"1"}"#,           // an empty bare value
            #"{"status":"200","time":"1""#,       // no closing brace
            #"{"status":"200","time":"1"#,        // cut in a string
            #"{"status":"200",}"#,                // a trailing comma
            #"{"status" "200"}"#,                 // no colon
            #"{"a":1:2,"status":"200"}"#,         // a colon in a bare value
        ] {
            let o = Self.walks(Self.bytes(line))
            Self.agree(Self.bytes(line))
            if o.slow == nil { #expect(o.fast == nil, "\(line)") }
        }
    }

    @Test("random objects and mutations: the quote walk agrees with the byte walk wherever it reads")
    func random() throws {
        var rng = SplitMix64(seed: 0x150C)
        let alphabet = Array(#"{}[]:,"\ ab1."#.utf8)
        let keys = ["status", "time", "request", "a", "b", "c", "ts", "x"]
        var read = 0
        for round in 0..<6000 {
            // A well-formed object of random members, sometimes mutated.
            func value(_ depth: Int) -> String {
                switch rng.next() % (depth > 2 ? 3 : 6) {
                case 0: return "\"" + String(repeating: "v\\\\\\\"", count: Int(rng.next() % 3)) + String(repeating: "y", count: Int(rng.next() % 70)) + "\""
                case 1: return String(rng.next() % 1000)
                case 2: return "\"\(rng.next() % 600)\""
                case 3: return "[" + (0..<Int(rng.next() % 3)).map { _ in value(depth + 1) }.joined(separator: ",") + "]"
                default: return object(depth + 1)
                }
            }
            func object(_ depth: Int) -> String {
                let members = (0..<Int(rng.next() % 6)).map { _ in
                    let space = rng.next() % 4 == 0 ? " " : ""
                    return "\"\(keys[Int(rng.next() % UInt64(keys.count))])\"\(space):\(space)\(value(depth))"
                }
                return "{" + members.joined(separator: ",") + "}"
            }
            var text = Self.bytes(String(repeating: "p", count: Int(rng.next() % 70)) + object(0))
            if round % 2 == 1 {
                for _ in 0..<Int(1 + rng.next() % 3) {
                    let at = Int(rng.next() % UInt64(text.count))
                    let b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    if rng.next() % 2 == 0 { text[at] = b } else { text.insert(b, at: at) }
                }
            }
            guard let brace = text.firstIndex(of: UInt8(ascii: "{")) else { continue }
            if Self.agree(text, from: brace) { read += 1 }
        }
        // The well-formed half is read by the quote walk.
        #expect(read >= 3000)
    }

    @Test("generated and real JSON logs are read by the quote walk itself")
    func readsLogs() throws {
        var g = LogGenerator(format: .nginxJSON, seed: 5, linesPerSecond: 3)
        var out: [UInt8] = []
        for i in 0..<300 { g.appendLine(i, to: &out) }
        let keys = JSONParser.preset(.nginxJSON)
        for line in out.split(separator: 0x0A) {
            let o = Self.walks(Array(line), paths: keys.status + keys.time)
            #expect(o.fast != nil)
            Self.agree(Array(line), paths: keys.status + keys.time)
        }
        for (file, format) in [("caddy/lnav_caddy.jsonl", LogFormat.caddy), ("cloudflare/lnav_cloudflare.jsonl", .cloudflare)] {
            let keys = JSONParser.preset(format)
            for line in try Fixtures.lines(file) where !line.isEmpty {
                let text = Self.bytes(line)
                #expect(Self.agree(text, paths: keys.status + keys.time), "\(file): \(line)")
            }
        }
    }

    @Test("a line that ends at an unreadable page is read without touching it")
    func endOfBuffer() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let raw = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            Issue.record("mmap failed")
            return
        }
        defer { munmap(raw, 2 * page) }
        #expect(mprotect(raw + page, page, PROT_NONE) == 0)
        let lines = [
            #"{"time_iso8601":"2026-11-20T10:00:00+00:00","remote_addr":"10.0.0.1","request":"GET / HTTP/1.1","status":"200","body_bytes_sent":"5","http_user_agent":"curl/8.4.0 \"x\\"}"#,
            #"{"status":"200"}"#,
        ]
        let keys = JSONParser.preset(.nginxJSON)
        for line in lines {
            let text = Self.bytes(line)
            for n in 0...text.count {
                // The first n bytes, flush against the unreadable page.
                let at = raw + page - n
                text.withUnsafeBytes { at.copyMemory(from: $0.baseAddress!, byteCount: n) }
                var parser = JSONParser(statusKeys: keys.status, timeKeys: keys.time)
                var reference = ReferenceJSONParser(statusKeys: keys.status, timeKeys: keys.time)
                let x = parser.parse(UnsafeRawBufferPointer(start: at, count: n))
                let y = reference.parse(UnsafeRawBufferPointer(start: at, count: n))
                #expect(x == y)
            }
        }
    }
}
