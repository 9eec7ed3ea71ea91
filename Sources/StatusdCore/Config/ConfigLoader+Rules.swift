import Yams

/// One entry of `rules:`: the fields every rule has, whatever its condition, and the condition.
///
/// Shared fields are read here; the keys of a condition (today only the rate one, in
/// `ConfigLoader+RateCondition.swift`) are handed to that condition's reader, which also builds
/// the `Rule`. A new condition kind is one more reader file and one more `case` below.
extension ConfigLoader {
    /// What a rule states besides its condition.
    struct RuleFields {
        var name: String
        var match: StatusSet
        var forSeconds: Int64
        var resolveFor: Int64
        var severity: Severity
        var inputs: [String]
    }

    /// Every key a rule may have, in the order an unknown key's message lists them.
    static let ruleKeys = ["name", "match"] + RateConditionReader.keys + ["for", "resolve_for", "severity", "inputs", "sinks"]

    mutating func rule(_ node: Node) -> Rule? {
        guard let map = reader.mapping(node, "a rule") else { return nil }
        var name: String?, match: StatusSet?
        var forSeconds: Int64 = 0, resolveFor: Int64 = 0
        var severity = Severity.warning, inputs: [String] = []
        var rate = RateConditionReader()
        var ok = true
        for (k, v) in map {
            let key = k.string ?? ""
            switch key {
            case "name": name = reader.identifier(v, "rule name"); ok = ok && name != nil
            case "match": match = reader.statusSet(v); ok = ok && match != nil
            case "for": if let d = reader.duration(v, "for") { forSeconds = d } else { ok = false }
            case "resolve_for": if let d = reader.duration(v, "resolve_for") { resolveFor = d } else { ok = false }
            case "severity":
                if let s = reader.choice(v, "severity", Severity.allCases.map(\.rawValue)) { severity = Severity(rawValue: s)! } else { ok = false }
            case "inputs":
                for item in reader.sequence(v, "inputs") { if let s = reader.identifier(item, "input name") { inputs.append(s) } else { ok = false } }
            case "sinks": continue // read by `routed` (ConfigLoader+Sinks.swift)
            case _ where RateConditionReader.keys.contains(key):
                if !rate.read(key, v, &reader) { ok = false }
            default:
                reader.unknownKey(k, in: "a rule", known: Self.ruleKeys)
                ok = false
            }
        }
        if map["name"] == nil { reader.fail(node, "a rule needs a `name`"); ok = false }
        if map["match"] == nil { reader.fail(node, "a rule needs `match` (5xx, 52x, aborts, or a list of codes)"); ok = false }
        if !rate.check(map, node, &reader) { ok = false }
        guard ok, let name, let match else { return nil }
        let fields = RuleFields(name: name, match: match, forSeconds: forSeconds, resolveFor: resolveFor, severity: severity, inputs: inputs)
        return rate.rule(fields).map { routed($0, map["sinks"]) }
    }
}
