/// Where each notification goes and when: the one home of routing, for the daemon (which sinks
/// get an alert, which wait for an escalation) and for `statusd check` (which prints the routes).
///
/// journald gets every alert at once; every other sink gets a rule's alert when the rule names it
/// in `sinks:` (or names none) and the sink takes the alert's severity, after the rule's route
/// `after:`, else the sink's own `after:`, else at once.
public struct SinkRoutes: Sendable, Equatable {
    /// One delivering sink as routing sees it.
    public struct Sink: Sendable, Equatable {
        /// The name status and the outbox use (`am[2]`: the second URL of sink `am`).
        public var name: String
        /// The name rules route by (the config's `name`).
        public var routeName: String
        /// Only these severities go to it (nil: all).
        public var severities: Set<Severity>?
        /// Gets every alert at once, whatever the rule says (journald).
        public var always: Bool
        /// The sink's own `after:` (seconds the alert must have fired first).
        public var after: Int64

        public init(name: String, routeName: String? = nil, severities: Set<Severity>? = nil, always: Bool = false, after: Int64 = 0) {
            self.name = name
            self.routeName = routeName ?? name
            self.severities = severities
            self.always = always
            self.after = after
        }

        /// Whether this sink takes alerts of `severity`.
        public func takes(_ severity: Severity) -> Bool { always || (severities?.contains(severity) ?? true) }
    }

    /// journald's sink: always there, never declared in `sinks:`.
    public static let journalSinkName = "journal"

    /// The delivering sinks, in the config's order (journald first when there is one).
    public var sinks: [Sink]
    /// Per rule: the sinks it names (nil: every sink) and its routes' `after:` by sink name.
    private var ruleRoutes: [String: RuleRoute]

    private struct RuleRoute: Sendable, Equatable {
        var sinks: [String]?
        var after: [String: Int64]
    }

    public init(sinks: [Sink], rules: [Rule]) {
        self.sinks = sinks
        var r: [String: RuleRoute] = [:]
        for rule in rules { r[rule.name] = RuleRoute(sinks: rule.sinks, after: rule.sinkAfter) }
        ruleRoutes = r
    }

    /// The sinks of `config` as declared (one per config entry, journald first): what `statusd
    /// check` prints. The daemon builds its own list from the sinks it made (one per URL).
    public init(config: StatusdConfig, journal: String = SinkRoutes.journalSinkName) {
        let declared = config.sinks.map { Sink(name: $0.name, severities: $0.severities, after: $0.afterSeconds ?? 0) }
        self.init(sinks: [Sink(name: journal, always: true)] + declared, rules: config.rules)
    }

    /// The sinks an alert of `severity` from `rule` goes to, with how long it must have fired
    /// first (0: at once), in the sinks' order.
    public func plan(rule: String, severity: Severity, wanted: [String]? = nil) -> [(sink: String, after: Int64)] {
        let route = ruleRoutes[rule]
        let names = wanted ?? route?.sinks
        return sinks.compactMap { s in
            if s.always { return (s.name, 0) }
            if let names, !names.contains(s.routeName) { return nil }
            guard s.takes(severity) else { return nil }
            return (s.name, route?.after[s.routeName] ?? s.after)
        }
    }

    /// The sinks `t` goes to (at once or later).
    public func route(_ t: AlertTransition) -> [String] {
        plan(rule: t.rule, severity: t.severity, wanted: t.sinks).map(\.sink)
    }

    /// `t`'s sinks with their delays.
    public func plan(for t: AlertTransition) -> [(sink: String, after: Int64)] {
        plan(rule: t.rule, severity: t.severity, wanted: t.sinks)
    }
}
