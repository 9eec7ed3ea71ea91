import NIOCore

/// What one of statusd's HTTP servers accepts: its bounds on connections, request size and time.
///
/// Both servers (the status socket and the metrics listener) answer operators and scrapers, a few
/// small requests a minute: a request larger or slower than these is a mistake or an attack, and it
/// is answered with an error and closed rather than allowed to hold memory, a descriptor or a thread.
package struct HTTPServerLimits: Sendable {
    /// Connections served at once; one beyond is answered 503 and closed.
    package var maxConnections: Int
    /// The request line and headers (the decoder's header list limit).
    package var maxHeadBytes: Int
    /// The body (`POST /silences` needs a few hundred bytes).
    package var maxBodyBytes: Int
    /// A connection that sends nothing for this long is closed.
    package var idleTimeout: TimeAmount
    /// A request not complete this long after the connection opened is closed (slow senders).
    package var requestTimeout: TimeAmount

    package init(maxConnections: Int, maxHeadBytes: Int = 16 * 1024, maxBodyBytes: Int = 8 * 1024,
                idleTimeout: TimeAmount = .seconds(5), requestTimeout: TimeAmount = .seconds(10)) {
        self.maxConnections = maxConnections
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }
}
