import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender
@testable import StatusdDaemon

@Suite("notify: signing, rate limits, doorbell")
struct NotifyTests {
    @Test("Standard Webhooks signature: the specification's example")
    func signature() {
        let s = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(s.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
            == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("rate limits: Discord 5 per 2 s, Slack 1 per second")
    func rateLimits() {
        let discord = RateLimiter.forKind(.discord)
        for _ in 0..<5 { #expect(discord.reserve(now: 100) == 0) }
        #expect(abs(discord.reserve(now: 100.5) - 1.5) < 1e-9)
        #expect(discord.reserve(now: 102) == 0)
        let slack = RateLimiter.forKind(.slack)
        #expect(slack.reserve(now: 10) == 0)
        #expect(abs(slack.reserve(now: 10.25) - 0.75) < 1e-9)
        #expect(slack.reserve(now: 11) == 0)
    }

    @Test("header values and error texts never carry a URL's path or control characters")
    func scrub() throws {
        let url = try #require(SinkURL("https://hooks.slack.com/services/T0/B0/SECRET"))
        let text = HTTPAlertSink.scrub("failed to connect to https://hooks.slack.com/services/T0/B0/SECRET: refused", url)
        #expect(!text.contains("SECRET") && text.contains("hooks.slack.com"))
        #expect(HTTPAlertSink.headerSafe("rule[a\r\nb é]@1/2") == "rule[a%0D%0Ab%20%C3%A9]@1/2")
    }

    @Test("the doorbell wakes every waiter, and times out")
    func doorbell() async {
        let bell = Doorbell()
        let g = bell.generation
        async let a = bell.wait(after: g, seconds: 10)
        async let b = bell.wait(after: g, seconds: 10)
        try? await Task.sleep(nanoseconds: 50_000_000)
        bell.ring()
        let (x, y) = await (a, b)
        #expect(x == g + 1 && y == g + 1)
        let start = Date()
        _ = await bell.wait(after: bell.generation, seconds: 0.2)
        #expect(Date().timeIntervalSince(start) >= 0.19)
        #expect(await bell.wait(after: g, seconds: 10) == g + 1)
    }

    @Test("sinks resolve from files and the environment; errors name the place, never the value")
    func resolve() throws {
        let dir = NSTemporaryDirectory() + "statusd-sink-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "https://hooks.example/T/SECRETFILE\n".write(toFile: dir + "/ok.url", atomically: true, encoding: .utf8)
        try "not a url SECRETBAD".write(toFile: dir + "/bad.url", atomically: true, encoding: .utf8)
        let yaml = """
        inputs: [{name: web, path: /x}]
        rules: [{name: r, match: 5xx, rate_above: 5%}]
        sinks:
          - {name: a, type: slack, url_file: \(dir)/ok.url}
          - {name: b, type: slack, url_file: \(dir)/bad.url}
          - {name: c, type: slack, url_file: \(dir)/missing.url}
          - {name: d, type: webhook, url_env: HOOK, secret_env: HOOK_SECRET}
        """
        let config = try ConfigLoader.load(yaml: yaml, file: "r.yaml").get()
        let result = SinkFactory.resolve(config.sinks, environment: ["HOOK": "http://127.0.0.1:1/SECRETENV", "HOOK_SECRET": "tiny"])
        guard case .failure(let e) = result else { Issue.record("resolved"); return }
        let text = e.description
        #expect(!text.contains("SECRETFILE") && !text.contains("SECRETBAD") && !text.contains("SECRETENV") && !text.contains("tiny"))
        #expect(text.contains("r.yaml:5:38: sink `b`: the file \(dir)/bad.url does not hold an http:// or https:// URL"))
        #expect(text.contains("sink `c`: the URL's file \(dir)/missing.url cannot be read: No such file or directory"))
        #expect(text.contains("sink `d`, environment variable HOOK_SECRET: `secret` must be at least 16 characters"))
        let ok = try SinkFactory.resolve([config.sinks[0]]).get()
        #expect(ok[0].url.host == "hooks.example" && ok[0].url.secretValue == "https://hooks.example/T/SECRETFILE")
    }
}
