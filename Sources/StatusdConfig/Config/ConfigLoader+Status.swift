import StatusdEngine
import Yams

/// The `status:` section: where the status socket listens, and how many connections it serves at once.
extension ConfigLoader {
    mutating func status(_ node: Node, into config: inout StatusdConfig) {
        for (k, v) in reader.mapping(node, "status") ?? [:] {
            switch k.string ?? "" {
            case "socket": config.statusSocket = reader.path(v, "status.socket") ?? config.statusSocket
            case "max_connections":
                guard let n = reader.integer(v, "status.max_connections") else { continue }
                if (1...10_000).contains(n) { config.statusMaxConnections = n } else {
                    reader.fail(v, "`status.max_connections` must be between 1 and 10000, not \(n)")
                }
            default: reader.unknownKey(k, in: "status", known: ["socket", "max_connections"])
            }
        }
    }
}
