/// A request as the routes see it: one whole request, body included, already bounded in size.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query (`/status?format=text`).
    public var target: String
    public var body: [UInt8]
}

/// What a route answers: a status, a content type and a whole body (statusd's answers are small).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension HTTPResponse {
    /// A plain-text answer (errors, short confirmations).
    public static func text(_ status: Int, _ message: String) -> Self {
        .init(status: status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
    }
}
