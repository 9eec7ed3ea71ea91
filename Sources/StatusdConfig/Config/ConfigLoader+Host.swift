import Yams

/// The top-level `host:`: the name alerts give this machine (the `host` label Alertmanager groups
/// by, the host in chat messages). Default: the system's host name.
extension ConfigLoader {
    mutating func host(_ node: Node) -> String? {
        guard let s = reader.scalar(node, "host") else { return nil }
        let fine = !s.isEmpty && s.utf8.count <= 253 && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
        guard fine else {
            reader.fail(node, "`host` must be a host name of 1 to 253 characters without spaces or control characters")
            return nil
        }
        return s
    }
}
