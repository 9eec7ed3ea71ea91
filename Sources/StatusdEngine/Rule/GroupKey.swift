/// What a rule can run per value of (`group_by`). Each value gets its own sums, alert state and
/// alert, up to the rule's `max_groups`; later values are folded into `other`.
///
/// `input` groups by the input a line came from and needs nothing from the lines. `host`,
/// `path_prefix` (the first segment of the folded path: `/api`) and `upstream` are per-line labels
/// (`LabelExtractor`): the monitor creates a series per value as values appear. Several keys
/// combine: `[input, host]` runs per input and host, the group value joined by `,`.
public enum GroupKey: String, Sendable, Equatable, CaseIterable {
    case input
    case host
    case pathPrefix = "path_prefix"
    case upstream
    /// A Kubernetes container log's pod, namespace and container (`PodLabels`): read from the
    /// file's name (`kubernetes:` inputs, or a path under `/var/log/containers`), not the line.
    case pod, namespace, container

    /// `true` for the keys a line takes from the file it is in (`pod`, `namespace`, `container`).
    public var isPodLabel: Bool { self == .pod || self == .namespace || self == .container }
}
