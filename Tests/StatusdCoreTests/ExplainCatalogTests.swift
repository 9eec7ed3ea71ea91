import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `statusd explain` knows every code a log can hold.
@Suite("explain catalog")
struct ExplainCatalogTests {
    /// The IANA HTTP Status Code Registry (https://www.iana.org/assignments/http-status-codes),
    /// every assigned code with its registered name (RFC 9110 names; 418 and 306 registered "(Unused)").
    static let iana: [(Int, String)] = [
        (100, "Continue"), (101, "Switching Protocols"), (102, "Processing"), (103, "Early Hints"), (104, "Upload Resumption Supported"),
        (200, "OK"), (201, "Created"), (202, "Accepted"), (203, "Non-Authoritative Information"), (204, "No Content"),
        (205, "Reset Content"), (206, "Partial Content"), (207, "Multi-Status"), (208, "Already Reported"), (226, "IM Used"),
        (300, "Multiple Choices"), (301, "Moved Permanently"), (302, "Found"), (303, "See Other"), (304, "Not Modified"),
        (305, "Use Proxy"), (306, "(Unused)"), (307, "Temporary Redirect"), (308, "Permanent Redirect"),
        (400, "Bad Request"), (401, "Unauthorized"), (402, "Payment Required"), (403, "Forbidden"), (404, "Not Found"),
        (405, "Method Not Allowed"), (406, "Not Acceptable"), (407, "Proxy Authentication Required"), (408, "Request Timeout"),
        (409, "Conflict"), (410, "Gone"), (411, "Length Required"), (412, "Precondition Failed"), (413, "Content Too Large"),
        (414, "URI Too Long"), (415, "Unsupported Media Type"), (416, "Range Not Satisfiable"), (417, "Expectation Failed"),
        (418, "(Unused)"), (421, "Misdirected Request"), (422, "Unprocessable Content"), (423, "Locked"), (424, "Failed Dependency"),
        (425, "Too Early"), (426, "Upgrade Required"), (428, "Precondition Required"), (429, "Too Many Requests"),
        (431, "Request Header Fields Too Large"), (451, "Unavailable For Legal Reasons"),
        (500, "Internal Server Error"), (501, "Not Implemented"), (502, "Bad Gateway"), (503, "Service Unavailable"),
        (504, "Gateway Timeout"), (505, "HTTP Version Not Supported"), (506, "Variant Also Negotiates"), (507, "Insufficient Storage"),
        (508, "Loop Detected"), (510, "Not Extended"), (511, "Network Authentication Required"),
    ]

    @Test("every IANA-registered code has its registered name and a meaning")
    func registered() {
        for (code, name) in Self.iana {
            let e = StatusCatalog.explain(StatusCode(code)!)
            // 418 is registered as unused; statusd names it by what writers of it mean.
            #expect(e.name == (code == 418 ? "I'm a teapot" : name), "\(code)")
            #expect(!e.meaning.isEmpty && !e.writtenBy.isEmpty && !e.usualFault.isEmpty, "\(code)")
        }
    }

    @Test("the common unregistered codes name who writes them")
    func unregistered() {
        let writers: [(Int, String)] = [
            (0, "CloudFront"), (444, "nginx"), (494, "nginx"), (495, "nginx"), (496, "nginx"), (497, "nginx"), (499, "nginx"),
            (460, "AWS ALB"), (463, "AWS ALB"), (561, "AWS ALB"), (598, "proxies"), (599, "proxies"), (418, "RFC 2324"),
            (509, "Apache"), (440, "IIS"), (449, "IIS"),
        ] + (520...527).map { ($0, "Cloudflare") } + [(530, "Cloudflare")]
        for (code, who) in writers {
            let e = StatusCatalog.explain(StatusCode(code)!)
            #expect(e.writtenBy.contains(who), "\(code): \(e.writtenBy)")
            #expect(e.name != "client error" && e.name != "server error", "\(code) has a name of its own")
        }
        #expect(StatusCatalog.explain(StatusCode(503)!).hint?.contains("503.0 application pool") == true)
        #expect(StatusCatalog.explain(StatusCode(200)!).hint == nil)
        // An unknown code still gets its class.
        #expect(StatusCatalog.explain(StatusCode(477)!).name == "client error")
    }
}
