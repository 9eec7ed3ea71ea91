import StatusdEngine
import Yams

/// Escalation routes in a rule's `sinks:`: `{sink: pager, after: 15m}` sends the rule's alert to
/// `pager` only once it has fired 15 minutes ago and still fires, unsilenced and unacknowledged.
extension ConfigLoader {
    mutating func route(_ node: Node) -> (String, Int64)? {
        guard let map = reader.mapping(node, "a route") else { return nil }
        var sink: String?, after: Int64?
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "sink":
                sink = reader.identifier(v, "sink name")
                ok = ok && sink != nil
            case "after":
                after = reader.duration(v, "after", within: 0...7 * 86_400)
                ok = ok && after != nil
            default:
                reader.unknownKey(k, in: "a route", known: ["sink", "after"])
                ok = false
            }
        }
        guard ok else { return nil }
        guard let sink else { reader.fail(node, "a route needs a `sink` (and `after`: how long the alert must fire first)"); return nil }
        return (sink, after ?? 0)
    }
}
