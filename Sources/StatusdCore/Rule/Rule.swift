/// How bad an alert is. Maps to journald priorities and to `statusd status` exit codes.
public enum Severity: String, Sendable, Codable, CaseIterable {
    case critical, warning

    /// syslog priority: 2 (crit) or 4 (warning).
    public var priority: Int { self == .critical ? 2 : 4 }
}

/// A rate rule: alert when the share of matching requests over a window crosses a limit.
public struct Rule: Sendable, Equatable {
    public var name: String
    /// The codes that count against the limit.
    public var match: StatusSet
    /// Fires above this share of all requests in the window (0.05 for 5%).
    public var rateAbove: Double
    /// Resolves at or below this share (hysteresis); equals `rateAbove` unless configured.
    public var resolveBelow: Double
    /// Window length in seconds.
    public var window: Int64
    /// Below this many requests in the window the rule does not fire: no page for 1 error in 2.
    public var minRequests: UInt64
    /// The breach must hold this long (seconds) before firing.
    public var forSeconds: Int64
    /// The rate must stay at or below `resolveBelow` this long before resolving.
    public var resolveFor: Int64
    public var severity: Severity
    /// Input names the rule watches; empty means all.
    public var inputs: [String]

    public init(
        name: String, match: StatusSet, rateAbove: Double, resolveBelow: Double? = nil,
        window: Int64 = 300, minRequests: UInt64 = 20, forSeconds: Int64 = 0, resolveFor: Int64 = 0,
        severity: Severity = .warning, inputs: [String] = []
    ) {
        self.name = name
        self.match = match
        self.rateAbove = rateAbove
        self.resolveBelow = resolveBelow ?? rateAbove
        self.window = window
        self.minRequests = minRequests
        self.forSeconds = forSeconds
        self.resolveFor = resolveFor
        self.severity = severity
        self.inputs = inputs
    }

    public func watches(input: String) -> Bool { inputs.isEmpty || inputs.contains(input) }
}
