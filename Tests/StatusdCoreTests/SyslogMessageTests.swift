import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Syslog datagrams as real senders write them: the tag routes a datagram to an input, the
/// message is the access line.
@Suite("syslog messages")
struct SyslogMessageTests {
    static func read(_ s: String) -> (tag: String, message: String)? {
        var copy = s
        return copy.withUTF8 { u -> (String, String)? in
            let p = UnsafeRawBufferPointer(u)
            guard let m = SyslogMessage.parse(p) else { return nil }
            return (String(decoding: p[m.tag], as: UTF8.self), String(decoding: p[m.message...], as: UTF8.self))
        }
    }

    static let line = #"127.0.0.1 - - [07/Dec/2026:19:09:22 +0000] "GET / HTTP/1.1" 502 1 "-" "curl""#

    @Test("RFC 3164: nginx with and without its host name, HAProxy with a pid, a day below 10")
    func rfc3164() {
        #expect(Self.read("<190>Dec  7 19:09:22 nginx: " + Self.line)! == ("nginx", Self.line))
        #expect(Self.read("<190>Dec 17 19:09:22 web-1.example nginx: " + Self.line)! == ("nginx", Self.line))
        #expect(Self.read("<134>Dec  7 19:09:22 haproxy[4242]: 127.0.0.1:51234 [07/Dec/2026:19:09:22.123] fe be/s1 0/0/1/2/3 503 1 - - ----")!
                == ("haproxy", "127.0.0.1:51234 [07/Dec/2026:19:09:22.123] fe be/s1 0/0/1/2/3 503 1 - - ----"))
        #expect(Self.read("<13>Dec  7 19:09:22 host app[1]:no space")! == ("app", "no space"))
    }

    @Test("RFC 5424: APP-NAME, structured data with escapes, a byte order mark, nil values")
    func rfc5424() {
        #expect(Self.read("<190>1 2026-12-07T19:09:22.123Z web-1 nginx 42 - - " + Self.line)! == ("nginx", Self.line))
        #expect(Self.read(#"<190>1 2026-12-07T19:09:22Z h app - ID47 [a@1 x="\]y"][b@2 z="1"] "# + "\u{FEFF}" + Self.line)! == ("app", Self.line))
        #expect(Self.read("<190>1 - - - - - -")! == ("", ""))
    }

    @Test("not syslog: no <PRI>")
    func notSyslog() {
        #expect(Self.read(Self.line) == nil)
        #expect(Self.read("<x>Dec  7") == nil)
        #expect(Self.read("<") == nil)
    }
}
