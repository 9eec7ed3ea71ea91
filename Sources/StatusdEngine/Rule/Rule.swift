import StatusdParse
/// A rule: the fields every kind of rule shares (what it matches, where it looks, how bad it is,
/// how long a breach must hold and a calm must last, where its alerts go) plus the condition that
/// says when it breaches.
///
/// Splitting the two lets new conditions (burn rates, counts, flatlines, spikes) reuse the alert
/// lifecycle, routing and status unchanged.
public struct Rule: Sendable, Equatable {
    public var name: String
    /// The codes that count against the condition.
    public var match: StatusSet
    public var severity: Severity
    /// Input names the rule watches; empty means all.
    public var inputs: [String]
    /// The breach must hold this long (seconds) before firing.
    public var forSeconds: Int64
    /// The condition must stay calm this long before resolving.
    public var resolveFor: Int64
    /// Sink names its alerts go to; `nil` means every sink that takes its severity.
    public var sinks: [String]?
    /// Escalation routes (`sinks: [{sink: pager, after: 15m}]`): these sinks get the rule's alert
    /// only once it has fired this many seconds ago and is still firing, unsilenced and
    /// unacknowledged. Overrides the sink's own `after`.
    public var sinkAfter: [String: Int64] = [:]
    /// When the rule breaches, and when it is calm again.
    public var condition: RuleCondition
    /// Run the rule per value of these keys, each with its own state and alert (`group_by`).
    public var groupBy: [GroupKey] = []
    /// At most this many groups; values beyond it are folded into `other` and reported.
    public var maxGroups: Int = 20
    /// Keep firing this long after the condition stopped breaching (`keep_firing_for`).
    public var keepFiringFor: Int64 = 0
    /// Remind every this many seconds while still firing (`repeat`); 0: never.
    public var repeatSeconds: Int64 = 0
    /// More than this many firings and resolutions within an hour hold the alert as flapping (`flap_limit`); 0: off.
    public var flapLimit: Int = 4
    /// Rules whose alerts for the same group are not sent while this one fires (`inhibits`).
    public var inhibits: [String] = []
    /// A link put in every message of this rule (`runbook`, placeholders as a sink's `link`).
    public var runbook: LinkTemplate?

    public init(
        name: String, match: StatusSet, condition: RuleCondition, forSeconds: Int64 = 0, resolveFor: Int64 = 0,
        severity: Severity = .warning, inputs: [String] = [], sinks: [String]? = nil
    ) {
        self.name = name
        self.match = match
        self.condition = condition
        self.forSeconds = forSeconds
        self.resolveFor = resolveFor
        self.severity = severity
        self.inputs = inputs
        self.sinks = sinks
    }

    /// A rate rule: the share of matching requests over `window` seconds above `rateAbove`.
    public init(
        name: String, match: StatusSet, rateAbove: Double, resolveBelow: Double? = nil,
        window: Int64 = 300, minRequests: UInt64 = 20, forSeconds: Int64 = 0, resolveFor: Int64 = 0,
        severity: Severity = .warning, inputs: [String] = [], wilsonGuard: Bool = true
    ) {
        self.init(
            name: name, match: match,
            condition: .rate(RateCondition(limit: rateAbove, resolveBelow: resolveBelow, window: window, minRequests: minRequests,
                                           wilsonGuard: wilsonGuard)),
            forSeconds: forSeconds, resolveFor: resolveFor, severity: severity, inputs: inputs)
    }

    public func watches(input: String) -> Bool { inputs.isEmpty || inputs.contains(input) }

    /// How the alert state machine treats this rule's readings.
    public var policy: AlertPolicy {
        AlertPolicy(forSeconds: forSeconds, resolveFor: resolveFor, keepFiringFor: keepFiringFor,
                    repeatSeconds: repeatSeconds, flapLimit: flapLimit)
    }

    /// The longest window the condition reads, in seconds: what the inputs' rings must hold.
    public var window: Int64 { condition.windows.max() ?? 0 }

    /// The longest window summed per second from the input rings (at most 10 minutes; longer ones
    /// come from coarser buckets): what the rings must hold for this rule.
    public var exactWindow: Int64 { condition.windows.filter { $0 <= TieredCounts.exactLimit }.max() ?? 10 }
}

extension Rule {
    /// The rate condition's limit (0 for other conditions); settable for rate rules.
    public var rateAbove: Double {
        get { if case .rate(let r) = condition { return r.limit } else { return 0 } }
        set { if case .rate(var r) = condition { r.limit = newValue; condition = .rate(r) } }
    }

    /// The rate condition's resolve limit.
    public var resolveBelow: Double {
        if case .rate(let r) = condition { return r.resolveBelow } else { return 0 }
    }

    /// The condition's minimum number of requests.
    public var minRequests: UInt64 {
        switch condition {
        case .rate(let r): return r.minRequests
        case .spike(let s): return s.minRequests
        case .slo(let s): return s.minRequests
        default: return 0
        }
    }
}
