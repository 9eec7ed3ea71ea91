/// One alert sink as `statusd status` shows it: whether it delivers, what waits for it, its last
/// outcome. Names and types only: never a URL or a secret.
public struct SinkReport: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
    /// `ok`, `retrying` (the last attempt failed; it will try again), or `disabled`.
    public var state: String
    /// Notifications waiting for it in the outbox.
    public var queued: Int
    public var oldestQueuedAt: String?
    public var lastSuccessAt: String?
    public var lastError: String?
    public var delivered: UInt64
    public var failed: UInt64

    public init(name: String, type: String, state: String, queued: Int, oldestQueuedAt: String?, lastSuccessAt: String?,
                lastError: String?, delivered: UInt64, failed: UInt64) {
        self.name = name
        self.type = type
        self.state = state
        self.queued = queued
        self.oldestQueuedAt = oldestQueuedAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.delivered = delivered
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case name, type, state, queued, delivered, failed
        case oldestQueuedAt = "oldest_queued_at", lastSuccessAt = "last_success_at", lastError = "last_error"
    }
}
