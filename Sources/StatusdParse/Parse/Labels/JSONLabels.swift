/// Labels of JSON-lines formats: the keys each product writes its host, path and upstream under.
/// One `JSONFieldScanner` finds them all in one pass over the object, into a reused array.
struct JSONLabels: Sendable {
    /// Candidate keys per label, first present wins (dotted paths for nested objects).
    struct Keys: Sendable, Equatable {
        var host: [String]
        var path: [String]
        var upstream: [String]
    }

    static func keys(_ format: LogFormat) -> Keys {
        switch format {
        case .nginxJSON: return Keys(host: ["host", "http_host", "server_name"], path: ["request_uri", "uri", "request"],
                                     upstream: ["upstream_addr", "upstream"])
        case .caddy: return Keys(host: ["request.host"], path: ["request.uri"], upstream: [])
        case .traefik: return Keys(host: ["RequestHost", "RequestAddr"], path: ["RequestPath"], upstream: ["ServiceAddr", "BackendAddr"])
        case .cloudflare: return Keys(host: ["ClientRequestHost"], path: ["ClientRequestURI", "ClientRequestPath"], upstream: ["OriginIP"])
        case .akamai: return Keys(host: ["reqHost"], path: ["reqPath"], upstream: [])
        default:
            // Generic JSON (and `auto`): every product's keys.
            let all: [Keys] = [.nginxJSON, .caddy, .traefik, .cloudflare, .akamai].map { keys($0) }
            func union(_ f: (Keys) -> [String]) -> [String] {
                var out: [String] = []
                for k in all { for s in f(k) where !out.contains(s) { out.append(s) } }
                return out
            }
            return Keys(host: union(\.host) + ["vhost"], path: union(\.path) + ["path", "url"], upstream: union(\.upstream))
        }
    }

    private let scanner: JSONFieldScanner
    private let hostCount: Int
    private let pathCount: Int
    private var found: [Range<Int>?]

    init(_ keys: Keys) {
        scanner = JSONFieldScanner(paths: keys.host + keys.path + keys.upstream)
        hostCount = keys.host.count
        pathCount = keys.path.count
        found = Array(repeating: nil, count: scanner.pathCount)
    }

    mutating func extract(_ p: UnsafeRawBufferPointer) -> LineLabels {
        var brace = 0
        while brace < p.count, p[brace] != UInt8(ascii: "{") { brace += 1 }
        guard brace < p.count, scanner.scan(p, from: brace, into: &found) else { return LineLabels() }
        var labels = LineLabels()
        for k in 0..<found.count {
            guard let r = LabelBytes.value(p, found[k]) else { continue }
            if k < hostCount {
                if labels.host == nil { labels.host = r }
            } else if k < hostCount + pathCount {
                guard labels.path == nil, let target = LabelBytes.requestTarget(p, r) else { continue }
                let url = LabelBytes.splitURL(p, target)
                labels.path = url.path
                if labels.host == nil { labels.host = url.authority }
            } else if labels.upstream == nil {
                labels.upstream = r
            }
        }
        return labels
    }
}
