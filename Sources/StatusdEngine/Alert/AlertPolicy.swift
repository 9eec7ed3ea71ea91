/// How the alert state machine treats a rule's readings: the lifecycle fields of a rule.
public struct AlertPolicy: Sendable, Equatable {
    /// The breach must hold this long before firing.
    public var forSeconds: Int64
    /// The condition must stay calm this long before resolving.
    public var resolveFor: Int64
    /// A firing alert resolves only once the condition has not breached for this long.
    public var keepFiringFor: Int64
    /// A reminder every this many seconds while firing; 0: none.
    public var repeatSeconds: Int64
    /// More than this many firings and resolutions in `flapWindow` hold the alert as flapping; 0: off.
    public var flapLimit: Int

    /// The stretch flaps are counted over.
    public static let flapWindow: Int64 = 3600
    /// A flapping alert settles once its condition has not changed for this long.
    public static let flapSettle: Int64 = 1800

    public init(forSeconds: Int64 = 0, resolveFor: Int64 = 0, keepFiringFor: Int64 = 0, repeatSeconds: Int64 = 0, flapLimit: Int = 4) {
        self.forSeconds = forSeconds
        self.resolveFor = resolveFor
        self.keepFiringFor = keepFiringFor
        self.repeatSeconds = repeatSeconds
        self.flapLimit = flapLimit
    }
}

/// What a firing notification says besides "firing": a reminder, or that the alert flaps.
public enum AlertNotice: String, Sendable, Codable {
    /// Still firing after `repeat` (a reminder; same episode, next sequence number).
    case `repeat`
    /// Changed state more than `flap_limit` times in an hour: held firing until it settles,
    /// reported once, resolved once.
    case flapping
}

/// One step of the state machine: the transition, and for firing notifications what kind.
public struct AlertStep: Sendable, Equatable {
    public var kind: AlertTransitionKind
    public var notice: AlertNotice?

    public init(_ kind: AlertTransitionKind, notice: AlertNotice? = nil) {
        self.kind = kind
        self.notice = notice
    }
}
