/// A service's rate limits for one sink, as a pure value: at most `count` requests in any
/// `seconds`, for each limit (a token bucket whose tokens come back `seconds` after each use).
/// Exact under fixed-window limits such as Discord's, so statusd does not provoke 429s.
///
/// The daemon's `RateLimiter` holds one under a lock and sleeps what `reserve` answers; the
/// decision is here, tested without a clock.
public struct SendRateLimit: Sendable, Equatable {
    public struct Limit: Sendable, Equatable {
        public var count: Int
        public var seconds: Double

        public init(count: Int, seconds: Double) {
            self.count = count
            self.seconds = seconds
        }
    }

    public let limits: [Limit]
    /// Per limit, the times of its latest requests (at most `count`), oldest first.
    private var sent: [[Double]]

    public init(_ limits: [Limit]) {
        self.limits = limits
        sent = limits.map { _ in [] }
    }

    /// Seconds to wait before the next request may go at `now` (Unix seconds); 0 takes the slot.
    public mutating func reserve(now: Double) -> Double {
        var wait = 0.0
        for (k, limit) in limits.enumerated() {
            sent[k].removeAll { now - $0 >= limit.seconds }
            if sent[k].count >= limit.count, let oldest = sent[k].first { wait = max(wait, oldest + limit.seconds - now) }
        }
        guard wait <= 0 else { return wait }
        for k in limits.indices { sent[k].append(now) }
        return 0
    }
}
