/// Every code of the IANA HTTP Status Code Registry (RFC 9110 names) not already in
/// `StatusCatalog.entries`, and the unregistered codes real logs carry, each with who writes it.
extension StatusCatalog {
    /// code: (name, written by, meaning, usual fault)
    static let registry: [UInt16: (String, String, String, String)] = [
        // 1xx: interim answers; rare in access logs (they log the final status).
        100: ("Continue", "any server", "the client may send the request body (it asked with Expect: 100-continue)", "nobody"),
        101: ("Switching Protocols", "any server", "the connection switched protocol (a WebSocket upgrade): logged when the tunnel closes", "nobody"),
        102: ("Processing", "WebDAV servers", "the server is still working on a long request (obsolete)", "nobody"),
        103: ("Early Hints", "any server", "preload hints sent before the final answer", "nobody"),
        104: ("Upload Resumption Supported", "servers with resumable uploads (IANA temporary registration)", "the server can resume an interrupted upload", "nobody"),
        // 2xx
        201: ("Created", "any server", "a resource was created (a POST or PUT succeeded)", "nobody"),
        202: ("Accepted", "any server", "the request was queued for later processing", "nobody"),
        203: ("Non-Authoritative Information", "proxies", "success, with a body changed by a transforming proxy", "nobody"),
        205: ("Reset Content", "any server", "success; the client should reset its form", "nobody"),
        207: ("Multi-Status", "WebDAV servers", "several statuses in the body (WebDAV)", "nobody; look inside the body"),
        208: ("Already Reported", "WebDAV servers", "members already listed in this WebDAV answer", "nobody"),
        226: ("IM Used", "any server", "a delta encoding of the resource was sent", "nobody"),
        // 3xx
        300: ("Multiple Choices", "any server", "several representations; the client picks", "nobody"),
        303: ("See Other", "any server", "the answer is at another URL (after a POST, the result page)", "nobody"),
        305: ("Use Proxy", "any server", "deprecated: use the given proxy", "nobody"),
        306: ("(Unused)", "nobody (reserved)", "reserved; a server writing it is misbehaving", "origin"),
        307: ("Temporary Redirect", "any server", "temporary redirect keeping the method", "nobody"),
        308: ("Permanent Redirect", "any server", "permanent redirect keeping the method", "nobody"),
        // 4xx
        402: ("Payment Required", "applications", "payment or quota required (used by some APIs and hosting plans)", "client, or the account's plan"),
        405: ("Method Not Allowed", "any server", "the method is not supported at this URL", "client, or a routing change"),
        406: ("Not Acceptable", "any server", "no representation matches the client's Accept headers", "client"),
        407: ("Proxy Authentication Required", "proxies", "the client must authenticate with the proxy", "client"),
        409: ("Conflict", "any server", "the request conflicts with the resource's state (edit conflict)", "client or application"),
        410: ("Gone", "any server", "the resource was removed on purpose", "client, or a stale link"),
        411: ("Length Required", "any server", "the request needs a Content-Length", "client"),
        412: ("Precondition Failed", "any server", "an If-* condition of the request did not hold", "client"),
        413: ("Content Too Large", "any server (nginx: client_max_body_size)", "the request body is larger than the server allows", "client, or a limit too tight"),
        414: ("URI Too Long", "any server", "the URL is longer than the server reads", "client, or a redirect loop growing the URL"),
        415: ("Unsupported Media Type", "any server", "the body's content type is not accepted", "client"),
        417: ("Expectation Failed", "any server", "the Expect header cannot be met", "client"),
        418: ("I'm a teapot", "joke handlers, some WAFs and bot filters (RFC 2324; IANA: unused)",
              "a joke code from RFC 2324, sometimes returned on purpose to turn bots away", "deliberate"),
        421: ("Misdirected Request", "any server (HTTP/2, TLS)", "the request reached a server that cannot answer for that host (a reused connection, SNI mismatch)", "client or TLS/vhost config"),
        422: ("Unprocessable Content", "any server, APIs", "the request is well formed but its content is invalid (validation failed)", "client"),
        423: ("Locked", "WebDAV servers", "the resource is locked", "client"),
        424: ("Failed Dependency", "WebDAV servers", "an action it depends on failed", "client or application"),
        425: ("Too Early", "any server (TLS 1.3 early data)", "the server will not risk replaying a request sent in early data", "client retries"),
        426: ("Upgrade Required", "any server", "the client must switch to another protocol (e.g. TLS)", "client"),
        428: ("Precondition Required", "any server", "the request must be conditional (If-Match)", "client"),
        431: ("Request Header Fields Too Large", "any server", "the headers (often cookies) are larger than the server reads", "client, or cookies grown too large"),
        451: ("Unavailable For Legal Reasons", "any server", "blocked for legal reasons", "deliberate"),
        // 5xx
        506: ("Variant Also Negotiates", "any server", "content negotiation is misconfigured", "origin config"),
        507: ("Insufficient Storage", "WebDAV servers", "the server cannot store what the request needs (disk full)", "origin"),
        508: ("Loop Detected", "WebDAV servers (and some hosts, for resource limits)", "an infinite loop was detected (WebDAV); some shared hosts write it for resource limits reached", "origin"),
        510: ("Not Extended", "any server (obsolete)", "an HTTP extension the request needs is missing", "client or origin"),
        511: ("Network Authentication Required", "captive portals", "the network wants a login (hotel or airport portal) before the site", "the client's network"),

        // Unregistered codes real logs carry.
        419: ("page expired", "Laravel (non-IANA)", "the CSRF token expired (a form left open too long)", "client; a surge means sessions expire too fast"),
        420: ("Enhance Your Calm", "Twitter API v1, some rate limiters (non-IANA)", "rate limited (an old name for 429)", "client"),
        430: ("request header fields too large", "Shopify (non-IANA)", "too many requests from a client, or headers too large", "client"),
        440: ("Login Time-out", "Microsoft IIS / Exchange (non-IANA)", "the session expired; log in again", "client"),
        449: ("Retry With", "Microsoft IIS (non-IANA)", "the request lacks information; retry with it", "client"),
        450: ("blocked by Windows Parental Controls", "Microsoft (non-IANA)", "blocked by parental controls on the client", "client"),
        463: ("too many X-Forwarded-For addresses", "AWS ALB", "the request's X-Forwarded-For holds more than 30 addresses", "client, or a proxy chain loop"),
        464: ("incompatible protocol versions", "AWS ALB", "the request's protocol does not fit the target group's (HTTP/1.1 to a gRPC target, ...)", "client or ALB config"),
        494: ("Request Header Too Large", "nginx", "a request header line is larger than large_client_header_buffers (shown to the client as 400)", "client, or cookies grown too large"),
        495: ("SSL Certificate Error", "nginx", "the client's certificate failed verification (shown to the client as 400)", "client certificate"),
        496: ("SSL Certificate Required", "nginx", "the client sent no certificate where one is required (shown as 400)", "client certificate"),
        497: ("HTTP Request Sent to HTTPS Port", "nginx", "plain HTTP arrived on a TLS port (shown as 400)", "client, or a link with the wrong scheme"),
        498: ("Invalid Token", "Esri ArcGIS (non-IANA)", "the token is expired or invalid", "client"),
        561: ("Unauthorized", "AWS ALB (authentication)", "the identity provider refused the user or returned an error during ALB authentication", "identity provider or its config"),
    ]

    /// What IIS's `sc-substatus` says beside the main code, for the codes where it matters most.
    static let iisSubstatus: [UInt16: String] = [
        400: "IIS sc-substatus: 400.1 invalid Destination header, 400.3 invalid If header, 400.6 invalid body, 400.605 invalid token (ARR)",
        401: "IIS sc-substatus: 401.1 logon failed, 401.2 server configuration, 401.3 ACL on the resource, 401.4 filter, 401.5 ISAPI/CGI",
        403: "IIS sc-substatus: 403.1 execute denied, 403.4 SSL required, 403.6 IP address rejected, 403.14 directory listing denied, 403.16 client certificate untrusted, 403.18 cannot execute in this pool, 403.502 dynamic IP restriction (too many requests)",
        404: "IIS sc-substatus: 404.0 not found, 404.2 ISAPI/CGI restriction, 404.3 MIME map, 404.7 file extension denied, 404.8 hidden namespace, 404.11 double escape, 404.13 content too long, 404.15 query string too long",
        500: "IIS sc-substatus: 500.0 module or ISAPI error, 500.19 bad configuration data (web.config), 500.21 module not recognized, 500.50-500.53 URL Rewrite errors",
        502: "IIS sc-substatus: 502.2 bad CGI answer, 502.3 ARR/ASP.NET Core upstream connection or timeout error, 502.4 no server (ARR); 502.5 ASP.NET Core process failed to start",
        503: "IIS sc-substatus: 503.0 application pool unavailable (stopped or crashing), 503.2 concurrent request limit, 503.3 ASP.NET queue full",
    ]
}
