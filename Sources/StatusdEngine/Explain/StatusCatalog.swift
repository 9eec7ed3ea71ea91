import StatusdParse
/// What a status code means, who writes it and who is usually at fault.
///
/// Alerts name their dominant codes with a short meaning; `statusd explain CODE` prints the whole entry.
public struct StatusExplanation: Sendable, Equatable {
    public let code: StatusCode
    /// A few words: "Bad Gateway", "client closed request".
    public let name: String
    public let writtenBy: String
    public let meaning: String
    public let usualFault: String
    /// More to know, where there is (IIS substatus codes for the codes IIS details).
    public var hint: String? = nil
}

public enum StatusCatalog {
    public static func explain(_ code: StatusCode) -> StatusExplanation {
        if let e = entries[code.rawValue] ?? registry[code.rawValue] {
            return StatusExplanation(code: code, name: e.0, writtenBy: e.1, meaning: e.2, usualFault: e.3, hint: iisSubstatus[code.rawValue])
        }
        let (name, meaning, fault): (String, String, String)
        switch code.classDigit {
        case 1: (name, meaning, fault) = ("informational", "an interim response; the request goes on", "nobody")
        case 2: (name, meaning, fault) = ("success", "the request succeeded", "nobody")
        case 3: (name, meaning, fault) = ("redirection", "the client is sent elsewhere or told to use its cache", "nobody")
        case 4: (name, meaning, fault) = ("client error", "the server refused the request as the client sent it", "client")
        case 5: (name, meaning, fault) = ("server error", "the server or a hop behind it failed to answer", "origin, upstream or hosting provider")
        default: (name, meaning, fault) = ("non-standard", "a code outside the HTTP classes, written by a product of its own", "varies")
        }
        return StatusExplanation(code: code, name: name, writtenBy: "any server", meaning: meaning, usualFault: fault)
    }

    /// code: (name, written by, meaning, usual fault)
    private static let entries: [UInt16: (String, String, String, String)] = [
        0: ("no response", "Akamai, AWS CloudFront, curl-style tools",
            "no HTTP status was sent: the client hung up before the response completed, or the connection failed before any response",
            "client or network; a surge means users give up (slow origin)"),
        200: ("OK", "any server", "the request succeeded", "nobody"),
        204: ("No Content", "any server", "success with an empty body", "nobody"),
        206: ("Partial Content", "any server", "a range of the resource was sent", "nobody"),
        301: ("Moved Permanently", "any server", "permanent redirect", "nobody"),
        302: ("Found", "any server", "temporary redirect", "nobody"),
        304: ("Not Modified", "any server", "the client's cached copy is current", "nobody"),
        400: ("Bad Request", "any server", "the request could not be read", "client"),
        401: ("Unauthorized", "any server", "authentication is required", "client"),
        403: ("Forbidden", "any server", "the request is not allowed", "client, or an access rule"),
        404: ("Not Found", "any server", "no such resource", "client, or a broken link"),
        408: ("Request Timeout", "any server", "the client did not send its request in time", "client / network"),
        416: ("Range Not Satisfiable", "any server", "the requested range is outside the resource", "client"),
        429: ("Too Many Requests", "any server", "the client was rate limited", "client, or our limits too tight"),
        444: ("connection closed without response", "nginx",
              "nginx closed the connection without a response (used to drop bad traffic)", "deliberate"),
        460: ("client closed connection", "AWS ALB",
              "the client closed the connection before the load balancer answered (the ALB's 499)", "client / slow target"),
        499: ("client closed request", "nginx",
              "the client closed the request before nginx sent the response header", "client; a surge usually means the upstream is slow"),
        500: ("Internal Server Error", "any server", "the application failed while handling the request", "origin"),
        501: ("Not Implemented", "any server", "the server does not support the request method", "origin"),
        502: ("Bad Gateway", "proxies and gateways", "the upstream refused the connection or sent an invalid response", "upstream (down or crashing)"),
        503: ("Service Unavailable", "any server", "the service is overloaded or in maintenance", "origin or upstream"),
        504: ("Gateway Timeout", "proxies and gateways", "the upstream did not answer in time", "upstream (slow)"),
        505: ("HTTP Version Not Supported", "any server", "the HTTP version is not supported", "client or origin"),
        509: ("Bandwidth Limit Exceeded", "Apache (non-RFC)", "the hosting bandwidth limit was exceeded", "hosting limit"),
        520: ("origin returned unknown error", "Cloudflare",
              "the origin returned something unexpected: an empty or invalid response, a reset, headers too large", "origin"),
        521: ("origin down", "Cloudflare", "the origin refused the connection (web server down)", "origin"),
        522: ("origin connection timed out", "Cloudflare", "the TCP handshake to the origin timed out", "origin / network"),
        523: ("origin unreachable", "Cloudflare", "the origin is unreachable (bad DNS record, routing)", "origin config"),
        524: ("origin timeout", "Cloudflare", "TCP connected but the origin sent no HTTP response in time", "origin (slow)"),
        525: ("SSL handshake failed", "Cloudflare", "the SSL handshake with the origin failed", "origin TLS"),
        526: ("invalid origin certificate", "Cloudflare", "the origin's certificate is invalid", "origin TLS"),
        527: ("Railgun error", "Cloudflare", "Railgun error (legacy)", "Cloudflare/origin link"),
        530: ("Cloudflare 1xxx error", "Cloudflare", "shown with a Cloudflare 1xxx error", "varies"),
        598: ("network read timeout", "some proxies (non-RFC)", "network read timeout behind the proxy", "upstream network"),
        599: ("network connect timeout", "some proxies (non-RFC)", "network connect timeout behind the proxy", "upstream network"),
    ]
}
