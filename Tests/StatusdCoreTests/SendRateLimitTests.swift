import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("a sink's rate limits: never more than the service takes, no slower than it allows")
struct SendRateLimitTests {
    /// Sends `n` requests as soon as `limit` lets each go, from `start`; returns when each went.
    func burst(_ n: Int, _ limits: [SendRateLimit.Limit], start: Double = 1000) -> [Double] {
        var limit = SendRateLimit(limits)
        var now = start
        var times: [Double] = []
        while times.count < n {
            let wait = limit.reserve(now: now)
            if wait <= 0 { times.append(now) } else { now += wait }
        }
        return times
    }

    /// The most requests in any span of `seconds` (a span starting at each request).
    func most(in seconds: Double, _ times: [Double]) -> Int {
        times.map { t in times.filter { $0 >= t && $0 < t + seconds }.count }.max() ?? 0
    }

    @Test("Discord (5 per 2 s and 30 a minute): a burst of 70 keeps both, and goes as fast as they allow")
    func discord() {
        let times = burst(70, [.init(count: 5, seconds: 2), .init(count: 30, seconds: 60)])
        #expect(most(in: 2, times) == 5)
        #expect(most(in: 60, times) == 30)
        // The first five at once, the next five 2 s later; the 31st exactly a minute after the first.
        #expect(Array(times.prefix(10)) == [1000, 1000, 1000, 1000, 1000, 1002, 1002, 1002, 1002, 1002])
        #expect(times[30] == 1060)
    }

    @Test("Slack (1 a second): a refused slot says how long to wait; it is not taken")
    func slack() {
        var limit = SendRateLimit([.init(count: 1, seconds: 1)])
        #expect(limit.reserve(now: 10) == 0)
        #expect(limit.reserve(now: 10.25) == 0.75)
        #expect(limit.reserve(now: 10.5) == 0.5, "a refusal takes no slot")
        #expect(limit.reserve(now: 11) == 0)
    }
}
