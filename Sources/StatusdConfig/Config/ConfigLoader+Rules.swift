import StatusdParse
import StatusdEngine
import Yams

/// One entry of `rules:`: the fields every rule has, whatever its condition, and the condition.
///
/// Shared fields (what it matches, where it looks, severity, lifecycle, grouping, inhibition) are
/// read here; the keys of the conditions are handed to `ConditionReader`
/// (`ConfigLoader+RateCondition.swift`, `ConfigLoader+Conditions.swift`), which picks the kind
/// from its defining key (`rate_above`, `count_above`, `no_traffic`, `spike`, `objective`) and
/// builds the condition.
extension ConfigLoader {
    /// Every shared key, in the order an unknown key's message lists them.
    static let sharedRuleKeys = ["name", "match", "for", "resolve_for", "keep_firing_for", "repeat", "flap_limit",
                                 "severity", "inputs", "group_by", "max_groups", "inhibits", "sinks", "runbook"]
    static var ruleKeys: [String] { sharedRuleKeys + ConditionReader.keys }

    mutating func rule(_ node: Node) -> Rule? {
        guard let map = reader.mapping(node, "a rule") else { return nil }
        var name: String?, match: StatusSet?
        var forSeconds: Int64 = 0, resolveFor: Int64 = 0, keepFiringFor: Int64 = 0, repeatSeconds: Int64 = 0
        var flapLimit = 4, maxGroups = 20
        var severity = Severity.warning, inputs: [String] = [], inhibits: [String] = [], groupBy: [GroupKey] = []
        var condition = ConditionReader()
        var ok = true
        for (k, v) in map {
            let key = k.string ?? ""
            switch key {
            case "name": name = reader.identifier(v, "rule name"); ok = ok && name != nil
            case "match": match = reader.statusSet(v); ok = ok && match != nil
            case "for": if let d = reader.duration(v, "for") { forSeconds = d } else { ok = false }
            case "resolve_for": if let d = reader.duration(v, "resolve_for") { resolveFor = d } else { ok = false }
            case "keep_firing_for": if let d = reader.duration(v, "keep_firing_for") { keepFiringFor = d } else { ok = false }
            case "repeat":
                if let d = reader.duration(v, "repeat") {
                    if d < 60 { reader.fail(v, "`repeat` must be at least 1m, not \(DurationText.format(d))"); ok = false } else { repeatSeconds = d }
                } else { ok = false }
            case "flap_limit": if let n = reader.integer(v, "flap_limit") { flapLimit = n } else { ok = false }
            case "max_groups":
                if let n = reader.integer(v, "max_groups"), n >= 1 { maxGroups = n } else {
                    if v.scalar != nil, Int(v.string ?? "") == 0 { reader.fail(v, "`max_groups` must be at least 1") }
                    ok = false
                }
            case "severity":
                if let s = reader.choice(v, "severity", Severity.allCases.map(\.rawValue)) { severity = Severity(rawValue: s)! } else { ok = false }
            case "inputs":
                for item in reader.sequence(v, "inputs") { if let s = reader.identifier(item, "input name") { inputs.append(s) } else { ok = false } }
            case "inhibits":
                for item in reader.stringListNodes(v, "inhibits") { if let s = reader.identifier(item, "rule name") { inhibits.append(s) } else { ok = false } }
            case "group_by":
                for item in reader.stringListNodes(v, "group_by") {
                    guard let s = reader.scalar(item, "group_by") else { ok = false; continue }
                    guard let g = GroupKey(rawValue: s) else {
                        reader.fail(item, "`group_by` takes \(GroupKey.allCases.map(\.rawValue).joined(separator: ", ")), not `\(s)`")
                        ok = false
                        continue
                    }
                    if !groupBy.contains(g) { groupBy.append(g) }
                }
            case "sinks": continue // read by `routed` (ConfigLoader+Sinks.swift)
            case "runbook": continue // read by `withRunbook` (ConfigLoader+Sinks.swift)
            case _ where ConditionReader.keys.contains(key):
                if !condition.read(key, v, &reader) { ok = false }
            default:
                reader.unknownKey(k, in: "a rule", known: Self.ruleKeys)
                ok = false
            }
        }
        if map["name"] == nil { reader.fail(node, "a rule needs a `name`"); ok = false }
        guard let kind = condition.kind(map, node, &reader) else { return nil }
        if map["match"] == nil {
            if kind == .noTraffic { match = StatusSet() } else {
                reader.fail(node, "a rule needs `match` (5xx, 52x, aborts, or a list of codes)")
                ok = false
            }
        }
        if kind == .slo, let n = map["severity"] {
            reader.fail(n, "an SLO rule takes its severity from its pairs (page: critical, ticket: warning); drop `severity`")
            ok = false
        }
        if kind == .slo, condition.allClear == .quick, let n = map["resolve_for"], !(60...21600).contains(resolveFor), ok || resolveFor > 0 {
            reader.fail(n, "`resolve_for` of an SLO rule with the quick all-clear must be 1m to 6h, not \(DurationText.format(resolveFor)) (`all_clear: workbook` resolves as the Workbook does)")
            ok = false
        }
        guard condition.check(kind, map, node, &reader), ok, let name, let match, var built = condition.condition(kind) else { return nil }
        if case .slo(var slo) = built, slo.allClear == .quick {
            // Quick all-clear: `resolve_for` is the stretch that must be back within the objective
            // (default 5m); the alert itself resolves as soon as it is.
            if map["resolve_for"] != nil { slo.resolveFor = resolveFor }
            resolveFor = 0
            built = .slo(slo)
        }
        var rule = Rule(name: name, match: match, condition: built, forSeconds: forSeconds, resolveFor: resolveFor,
                        severity: severity, inputs: inputs)
        rule.keepFiringFor = keepFiringFor
        rule.repeatSeconds = repeatSeconds
        rule.flapLimit = flapLimit
        rule.maxGroups = maxGroups
        rule.groupBy = groupBy
        rule.inhibits = inhibits
        return withRunbook(routed(rule, map["sinks"]), map["runbook"])
    }

    /// Rules only inhibit rules that exist, and not themselves.
    mutating func checkInhibits(_ config: StatusdConfig, _ ruleNodes: [Node]) {
        let names = Set(config.rules.map(\.name))
        for rule in config.rules {
            for target in rule.inhibits where !names.contains(target) || target == rule.name {
                // Rules that failed to load are not in `config.rules`: find the node by name.
                let mine = ruleNodes.first { $0.mapping?["name"]?.string == rule.name }
                let node = mine.map { $0.mapping?["inhibits"] ?? $0 }
                let why = target == rule.name ? "rule `\(rule.name)` cannot inhibit itself" : "rule `\(rule.name)` inhibits `\(target)`, which no rule defines"
                if let node { reader.fail(node, why) } else { reader.fail(why) }
            }
        }
    }
}

extension ConfigReader {
    /// The nodes of a one-value-or-list field.
    mutating func stringListNodes(_ node: Node, _ what: String) -> [Node] {
        if let list = node.sequence { return Array(list) }
        return [node]
    }
}
