import Yams

/// The `status:` section: where the status socket listens.
extension ConfigLoader {
    mutating func status(_ node: Node, into config: inout StatusdConfig) {
        for (k, v) in reader.mapping(node, "status") ?? [:] {
            switch k.string ?? "" {
            case "socket": config.statusSocket = reader.path(v, "status.socket") ?? config.statusSocket
            default: reader.unknownKey(k, in: "status", known: ["socket"])
            }
        }
    }
}
