/// A request as the routes see it: one whole request, body included, already bounded in size.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target as sent: path and query (`/status?format=text`).
    package var target: String
    package var body: [UInt8]
    /// The client's IP address as text (TCP listeners), nil on a Unix socket.
    package var remoteAddress: String? = nil
    /// The `Authorization` header, if sent.
    package var authorization: String? = nil
}

/// What a route answers: a status, a content type and a whole body (statusd's answers are small).
package struct HTTPResponse: Sendable {
    package var status: Int
    package var contentType: String
    package var body: [UInt8]
    /// Headers beyond the usual ones (`WWW-Authenticate` on a 401).
    package var headers: [(String, String)] = []

    package init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

extension HTTPResponse {
    /// A plain-text answer (errors, short confirmations).
    package static func text(_ status: Int, _ message: String) -> Self {
        .init(status: status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
    }
}
