import Foundation
import StatusdCore
import Synchronization

/// Keeps one sink under its service's rate limit: at most `count` requests in any `seconds`
/// (a token bucket whose tokens come back `seconds` after each use), for every limit the service
/// has. Exact under fixed-window limits such as Discord's, so statusd does not provoke 429s.
/// The decision is the core's `SendRateLimit`; this holds it under a lock and waits.
final class RateLimiter: Sendable {
    typealias Limit = SendRateLimit.Limit

    private let state: Mutex<SendRateLimit>

    init(_ limits: [Limit]) {
        state = Mutex(SendRateLimit(limits))
    }

    /// What each service takes: Slack about 1/s per webhook, Discord 5 per 2 s and 30 a minute,
    /// Google Chat 60 a minute per space, Teams (undocumented) 2/s, Mattermost (off by default) 10/s.
    static func forKind(_ kind: SinkConfig.Kind) -> RateLimiter {
        switch kind {
        case .slack: return RateLimiter([Limit(count: 1, seconds: 1)])
        case .discord: return RateLimiter([Limit(count: 5, seconds: 2), Limit(count: 30, seconds: 60)])
        case .googlechat: return RateLimiter([Limit(count: 60, seconds: 60)])
        case .teams: return RateLimiter([Limit(count: 2, seconds: 1)])
        case .mattermost: return RateLimiter([Limit(count: 10, seconds: 1)])
        case .webhook: return RateLimiter([Limit(count: 20, seconds: 1)])
        // Alertmanager sets no limit; this only keeps a backlog from hammering it.
        case .alertmanager: return RateLimiter([Limit(count: 50, seconds: 1)])
        // PagerDuty Events v2: 120 events a minute per routing key. Opsgenie: per plan; a few a
        // second is under all of them. ntfy.sh: a burst of 60, then one every 5 s per visitor.
        // Telegram: one message a second per chat, 20 a minute in a group. Matrix (Synapse's
        // default `rc_message`): 0.2 a second after a burst of 10. Mail: a submission server's
        // usual limits are per minute.
        case .pagerduty: return RateLimiter([Limit(count: 120, seconds: 60)])
        case .opsgenie: return RateLimiter([Limit(count: 5, seconds: 1)])
        case .ntfy: return RateLimiter([Limit(count: 12, seconds: 60)])
        case .telegram: return RateLimiter([Limit(count: 1, seconds: 1), Limit(count: 20, seconds: 60)])
        case .matrix: return RateLimiter([Limit(count: 10, seconds: 50)])
        case .email: return RateLimiter([Limit(count: 30, seconds: 60)])
        }
    }

    /// Seconds to wait before the next request may go; 0 takes the slot now.
    func reserve(now: Double = Date().timeIntervalSince1970) -> Double {
        state.withLock { $0.reserve(now: now) }
    }

    /// Waits for a slot (cancellable).
    func acquire() async {
        while !Task.isCancelled {
            let wait = reserve()
            if wait <= 0 { return }
            try? await Task.sleep(nanoseconds: UInt64(min(wait, 60) * 1_000_000_000) + 1_000_000)
        }
    }
}
