/// Where a rule stands: `ok`, `pending` (breaching, waiting out `for`), or `firing`.
public enum AlertPhase: String, Sendable, Codable {
    case ok, pending, firing
}

/// A change of phase, as the timeline of `replay` and the sinks see it.
public enum AlertTransitionKind: String, Sendable, Codable {
    /// ok → pending
    case pending
    /// pending → ok before `for` ran out
    case cleared
    /// → firing: page
    case firing
    /// firing → ok: the resolved notice
    case resolved

    /// Firing and resolved transitions are notifications: they go through the outbox to every sink.
    public var notifies: Bool { self == .firing || self == .resolved }
}
