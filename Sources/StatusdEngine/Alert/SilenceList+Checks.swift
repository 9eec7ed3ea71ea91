import StatusdParse
/// What a silence may ask beyond a known rule: a group the rule can have, and room in the list.
///
/// A `group` on a rule without `group_by` was accepted and muted nothing; an unbounded list made
/// the silences file (rewritten whole on each change) and status grow without end.
extension SilenceList {
    /// Silences in force at once.
    public static let maxSilences = 1000

    /// Checks `request` against the rules in force (`group_by` and inputs), then adds it.
    public mutating func add(_ request: SilenceRequest, rules: [Rule], inputs: [String], id: String, now: Int64) throws(SilenceError) -> Silence {
        guard let rule = rules.first(where: { $0.name == request.rule }) else { throw .unknownRule(request.rule, known: rules.map(\.name)) }
        if let group = request.group { try Self.check(group: group, of: rule, inputs: inputs) }
        guard pending(at: now).count < Self.maxSilences else { throw .tooMany(Self.maxSilences) }
        return try add(request, rules: rules.map(\.name), id: id, now: now)
    }

    /// A group value the rule can produce: `group_by` values joined by `,` (an input it watches
    /// where it groups by input), or `other`.
    static func check(group: String, of rule: Rule, inputs: [String]) throws(SilenceError) {
        let keys = rule.groupBy
        guard !keys.isEmpty else { throw .badGroup("rule `\(rule.name)` has no `group_by`: a group silence would mute nothing; leave out --group to silence the rule") }
        guard group.utf8.count <= maxGroupBytes, !group.isEmpty else { throw .tooLong("group", maxGroupBytes) }
        guard !group.unicodeScalars.contains(where: SafeText.needsEscape) else { throw .badGroup("a group has no control or bidi characters") }
        if group == "other" { return }
        let shape = keys.map(\.rawValue).joined(separator: ",")
        let parts = group.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // An upstream value may itself hold `, ` (nginx lists each upstream tried).
        let fits = keys.contains(.upstream) ? parts.count >= keys.count : parts.count == keys.count
        guard fits, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .badGroup("rule `\(rule.name)` groups by \(shape): a group is one value of each, joined by `,`")
        }
        if let i = keys.firstIndex(of: .input), keys.count == parts.count || i < keys.firstIndex(of: .upstream) ?? keys.count {
            let watched = inputs.filter { rule.watches(input: $0) }
            guard watched.contains(parts[i]) else {
                throw .badGroup("rule `\(rule.name)` groups by input, and watches \(watched.joined(separator: ", ")), not `\(SafeText.field(parts[i]))`")
            }
        }
    }
}
