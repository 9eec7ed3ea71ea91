import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("HTTP verdicts")
struct HTTPVerdictTests {
    func v(_ status: Int, _ retryAfter: String? = nil, _ body: String = "") -> HTTPVerdict {
        HTTPVerdict.classify(status: status, retryAfter: retryAfter, body: Array(body.utf8), host: "hooks.example", now: 1_445_412_480)
    }

    @Test("2xx delivered; 408, 429, 5xx retried; 404, 410 and 3xx disable; other 4xx refused")
    func classes() {
        for s in [200, 202, 204] { #expect(v(s) == .delivered) }
        for s in [408, 429, 500, 502, 503, 504] {
            guard case .retry = v(s) else { Issue.record("\(s) not retried"); continue }
        }
        for s in [301, 302, 307, 308, 404, 410] {
            guard case .disable = v(s) else { Issue.record("\(s) does not disable"); continue }
        }
        for s in [400, 401, 403, 413, 422] {
            guard case .reject = v(s) else { Issue.record("\(s) not refused"); continue }
        }
        #expect(v(400, nil, "invalid_payload\n") == .reject(reason: "HTTP 400 from hooks.example: invalid_payload"))
        #expect(v(503, nil, "<html><body>down</body></html>") == .retry(reason: "HTTP 503 from hooks.example", after: nil))
    }

    @Test("Retry-After in seconds or as an HTTP date, Discord's retry_after, the larger wins, capped at an hour")
    func retryAfter() {
        #expect(v(429, "2") == .retry(reason: "HTTP 429 from hooks.example", after: 2))
        // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
        #expect(v(429, "Wed, 21 Oct 2015 07:28:05 GMT") == .retry(reason: "HTTP 429 from hooks.example", after: 5))
        #expect(v(503, "Wed, 21 Oct 2015 07:27:00 GMT") == .retry(reason: "HTTP 503 from hooks.example", after: 0))
        let discord = #"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#
        guard case .retry(_, let after) = v(429, "1", discord) else { Issue.record("no retry"); return }
        #expect(after == 1.5)
        guard case .retry(_, let capped) = v(429, "999999") else { Issue.record("no retry"); return }
        #expect(capped == 3600)
        #expect(RetryAfter.parse("soon", now: 0) == nil)
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
    }

    @Test("a digest lists what fired and resolved, says what still fires, and fits the service")
    func digest() throws {
        var ts: [AlertTransition] = []
        for i in 0..<40 {
            ts.append(ChatPayloadTests.transition(i % 2 == 0 ? .firing : .resolved, rule: "rule-\(i / 2)"))
        }
        ts.append(ChatPayloadTests.transition(.firing, rule: "still-bad"))
        let c = Digest.content(ts, host: "web-01", key: "digest/1-41")
        #expect(c.headline.plain.hasPrefix("DIGEST: 41 alert notifications on web-01"))
        #expect(c.summary.plain.contains("(11 earlier notifications not shown)"))
        #expect(c.facts.contains { $0.name == "Still firing" && $0.value.plain == "still-bad" })
        for kind in ChatPayloadTests.chatKinds { _ = try ChatPayloadTests.parse(Digest.render(kind, ts, host: "web-01", key: "digest/1-41")) }
        let hook = try ChatPayloadTests.parse(Digest.render(.webhook, ts, host: "web-01", key: "digest/1-41"))
        #expect(hook["type"] as? String == "digest" && (hook["notifications"] as? [Any])?.count == 41)
    }
}
