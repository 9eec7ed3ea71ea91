/// Which pods' container logs an input reads (`kubernetes:` instead of `path:`): the kubelet's
/// `/var/log/containers/<pod>_<namespace>_<container>-<container id>.log` links whose namespace,
/// container and pod match these globs.
///
/// ingress-nginx and most web servers in a cluster log to stdout; the runtime writes each
/// container's lines under `/var/log/pods` and the kubelet links them from `/var/log/containers`.
/// Naming the namespace and container (not a path) follows pods as they come and go, and gives
/// each line its `pod`, `namespace` and `container` (`PodLabels`) for `group_by` and messages.
public struct KubernetesSelection: Sendable, Equatable {
    /// Namespace glob (`ingress-nginx`, `web-*`).
    public var namespace: String
    /// Container glob (`controller`); `*` for every container of the pods.
    public var container: String = "*"
    /// Pod glob (`ingress-nginx-controller-*`); `*` for every pod.
    public var pod: String = "*"
    /// Where the kubelet keeps its links (tests point it elsewhere).
    public var directory: String = KubernetesSelection.defaultDirectory

    public static let defaultDirectory = "/var/log/containers"

    public init(namespace: String, container: String = "*", pod: String = "*", directory: String = KubernetesSelection.defaultDirectory) {
        self.namespace = namespace
        self.container = container
        self.pod = pod
        self.directory = directory
    }

    /// The glob the tailer lists the directory with: a superset of the files this selection takes
    /// (a container glob `controller` would also match `controller-sidecar-<id>.log` here);
    /// `KubeletLogName` and `matches` decide exactly.
    public var pathGlob: String {
        PodLabels.prefix(directory) + "\(pod)_\(namespace)_\(container)-*.log"
    }

    /// `namespace=ingress-nginx container=controller` (and `pod=` when not every pod), for status and logs.
    public var description: String {
        var s = "namespace=\(namespace) container=\(container)"
        if pod != "*" { s += " pod=\(pod)" }
        return s
    }
}

/// A kubelet container log name, `<pod>_<namespace>_<container>-<64 hex container id>.log`, taken
/// apart. Pod names may hold dashes and dots, namespaces and containers dashes; none holds `_`,
/// so the two underscores split it, and the container id is the last `-` part of the rest.
public struct KubeletLogName: Sendable, Equatable {
    public var labels: PodLabels
    public var containerID: String

    /// nil for any other name (a rotated `.log.<time>`, a `.gz`, a name without the kubelet's parts).
    public init?(_ name: String) {
        let u = Array(name.utf8)
        let suffix = Array(".log".utf8)
        guard u.count > suffix.count + 65, Array(u.suffix(4)) == suffix else { return nil }
        let stem = u.dropLast(4)
        guard let dash = stem.lastIndex(of: UInt8(ascii: "-")) else { return nil }
        let id = stem[(dash + 1)...]
        guard id.count == 64, id.allSatisfy(Self.isHex) else { return nil }
        let parts = stem[..<dash].split(separator: UInt8(ascii: "_"), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        labels = PodLabels(pod: String(decoding: parts[0], as: UTF8.self), namespace: String(decoding: parts[1], as: UTF8.self),
                           container: String(decoding: parts[2], as: UTF8.self))
        containerID = String(decoding: id, as: UTF8.self)
    }

    static func isHex(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x66).contains(b)
    }
}
