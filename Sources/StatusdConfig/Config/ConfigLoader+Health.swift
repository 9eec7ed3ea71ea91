import StatusdEngine
import Yams

/// The `health:` section: when statusd's own degradations page (`alert_after`), and how long
/// one-off events stay listed (`events_for`).
extension ConfigLoader {
    mutating func health(_ node: Node, into config: inout StatusdConfig) {
        for (k, v) in reader.mapping(node, "health") ?? [:] {
            switch k.string ?? "" {
            case "alert_after":
                config.health.alertAfterSeconds = reader.duration(v, "health.alert_after", within: 1...86_400) ?? config.health.alertAfterSeconds
            case "events_for":
                config.health.eventsForSeconds = reader.duration(v, "health.events_for", within: 1...604_800) ?? config.health.eventsForSeconds
            default: reader.unknownKey(k, in: "health", known: ["alert_after", "events_for"])
            }
        }
    }
}
