import Yams

/// The `metrics:` section: the Prometheus listener (`listen: "127.0.0.1:9464"`, `max_connections`).
extension ConfigLoader {
    mutating func metrics(_ node: Node, into config: inout StatusdConfig) {
        guard let mapping = reader.mapping(node, "metrics") else { return }
        var listen: (host: String, port: Int)?
        var maxConnections = MetricsConfig.defaultMaxConnections
        var ok = true
        for (k, v) in mapping {
            switch k.string ?? "" {
            case "listen":
                guard let text = reader.scalar(v, "metrics.listen") else { ok = false; continue }
                listen = MetricsConfig.parseListen(text)
                if listen == nil {
                    reader.fail(v, "`metrics.listen` must be host:port such as 127.0.0.1:9464 or [::1]:9464 (port 1-65535), not `\(text)`")
                    ok = false
                }
            case "max_connections":
                guard let n = reader.integer(v, "metrics.max_connections") else { ok = false; continue }
                guard (1...10_000).contains(n) else {
                    reader.fail(v, "`metrics.max_connections` must be between 1 and 10000, not \(n)")
                    ok = false
                    continue
                }
                maxConnections = n
            default:
                reader.unknownKey(k, in: "metrics", known: ["listen", "max_connections"])
            }
        }
        guard ok else { return }
        guard let listen else {
            reader.fail(node, "`metrics` needs `listen`, such as listen: \"127.0.0.1:9464\" (leave `metrics` out to serve no metrics)")
            return
        }
        config.metrics = MetricsConfig(host: listen.host, port: listen.port, maxConnections: maxConnections)
    }
}
