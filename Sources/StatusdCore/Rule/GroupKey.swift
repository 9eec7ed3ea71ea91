/// What a rule can run per value of (`group_by`). Each value gets its own sums, alert state and
/// alert, up to the rule's `max_groups`; later values are folded into `other`.
///
/// `input` groups by the input a line came from and needs nothing from the parsers. `host`,
/// `path_prefix` and `upstream` are per-line labels (byte ranges the parsers will yield); the
/// monitor's series are keyed by a group value string, so plugging them in means giving each
/// counted line its label and creating series as values appear. Until the parsers yield them, the
/// config refuses these keys with a clear "not yet supported".
public enum GroupKey: String, Sendable, Equatable, CaseIterable {
    case input
    case host
    case pathPrefix = "path_prefix"
    case upstream

    /// Whether the monitor can group by this key today.
    public var isSupported: Bool { self == .input }
}
