import StatusdParse
import StatusdEngine
import Yams

/// The `maintenance:` section: recurring windows during which some rules' alerts are not sent.
///
/// ```yaml
/// maintenance:
///   - {name: backups, rules: [server-errors], every: "Sun 02:00-04:00", timezone: Europe/Berlin}
/// ```
/// The zone is read from the TZif bytes the shell hands in (`zones`, reading
/// /usr/share/zoneinfo); a loader without one (tests, the CLI finding the socket) reads zones as
/// UTC without checking them.
extension ConfigLoader {
    static let maintenanceKeys = ["name", "rules", "groups", "every", "timezone"]

    mutating func maintenance(_ node: Node) -> [MaintenanceWindow] {
        reader.sequence(node, "maintenance").compactMap { maintenanceWindow($0) }
    }

    private mutating func maintenanceWindow(_ node: Node) -> MaintenanceWindow? {
        guard let map = reader.mapping(node, "a maintenance window") else { return nil }
        var name: String?, rules: [String] = [], groups: [String] = [], every: (String, Recurrence)?, zone = TimeZoneRules.utc
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "name":
                name = reader.identifier(v, "maintenance window name")
                ok = ok && name != nil
            case "rules":
                for item in reader.stringListNodes(v, "rules") { if let s = reader.identifier(item, "rule name") { rules.append(s) } else { ok = false } }
            case "groups":
                for item in reader.stringListNodes(v, "groups") {
                    guard let s = reader.scalar(item, "groups"), !s.isEmpty, s.utf8.count <= SilenceList.maxGroupBytes,
                          !s.unicodeScalars.contains(where: SafeText.needsEscape) else {
                        reader.fail(item, "a group is a value of 1-\(SilenceList.maxGroupBytes) bytes without control characters")
                        ok = false
                        continue
                    }
                    groups.append(s)
                }
            case "every":
                guard let s = reader.scalar(v, "every") else { ok = false; continue }
                switch Recurrence.parse(s) {
                case .success(let r): every = (s, r)
                case .failure(let e): reader.fail(v, e.message); ok = false
                }
            case "timezone":
                guard let s = reader.scalar(v, "timezone") else { ok = false; continue }
                if let z = timeZone(s, v) { zone = z } else { ok = false }
            default:
                reader.unknownKey(k, in: "a maintenance window", known: Self.maintenanceKeys)
                ok = false
            }
        }
        let label = name.map { "maintenance window `\($0)`" } ?? "a maintenance window"
        if map["name"] == nil { reader.fail(node, "a maintenance window needs a `name` (status and the log use it)"); ok = false }
        if map["every"] == nil { reader.fail(node, "\(label) needs `every`, such as \"Sun 02:00-04:00\""); ok = false }
        if rules.isEmpty && groups.isEmpty && map["rules"] == nil && map["groups"] == nil {
            reader.fail(node, "\(label) needs `rules` or `groups`: what it mutes"); ok = false
        }
        guard ok, let name, let every else { return nil }
        return MaintenanceWindow(name: name, rules: rules, groups: groups, every: every.0, recurrence: every.1, zone: zone)
    }

    /// A zone name as tzdata spells it (`Europe/Berlin`, `UTC`), read through `zones`.
    private mutating func timeZone(_ name: String, _ node: Node) -> TimeZoneRules? {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        let shaped = !name.isEmpty && name.utf8.count <= 64 && segments.allSatisfy { seg in
            !seg.isEmpty && seg != "." && seg != ".." && seg.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2B
            }
        }
        guard shaped else { reader.fail(node, "`timezone` must be a tz database name such as Europe/Berlin or UTC, not `\(SafeText.field(name))`"); return nil }
        guard let zones else { return TimeZoneRules(name: name, transitions: [], offsets: [], initialOffset: 0, footer: nil) }
        guard let bytes = zones(name) else {
            reader.fail(node, "unknown time zone `\(name)`: no such file under /usr/share/zoneinfo (is tzdata installed?)")
            return nil
        }
        do {
            return try TimeZoneRules(tzif: bytes, name: name)
        } catch {
            reader.fail(node, "time zone `\(name)` cannot be read: \(error)")
            return nil
        }
    }

    /// Each window's `rules` name rules that exist.
    mutating func checkMaintenance(_ config: StatusdConfig, _ top: Node.Mapping) {
        let nodes = top["maintenance"]?.sequence.map { Array($0) } ?? []
        let known = Set(config.rules.map(\.name))
        var names = Set<String>()
        for (i, w) in config.maintenance.enumerated() {
            guard let node = nodes.first(where: { $0.mapping?["name"]?.string == w.name }) ?? (nodes.indices.contains(i) ? nodes[i] : nil) else { continue }
            if !names.insert(w.name).inserted { reader.fail(node, "maintenance window name `\(w.name)` is used twice") }
            for r in w.rules where !known.contains(r) {
                reader.fail(node.mapping?["rules"] ?? node, "maintenance window `\(w.name)` mutes rule `\(r)`, which no rule defines; rules: \(known.sorted().joined(separator: ", "))")
            }
        }
    }
}
