/// The pod, namespace and container a Kubernetes container log belongs to: labels of every line
/// of that file (`group_by: [pod]`, `namespace`, `container`), read once from its path, not from
/// the lines.
public struct PodLabels: Sendable, Equatable, Hashable {
    public var pod: String
    public var namespace: String
    public var container: String

    public init(pod: String, namespace: String, container: String) {
        self.pod = pod
        self.namespace = namespace
        self.container = container
    }

    /// From a followed path in either of the kubelet's layouts: the link
    /// `.../<pod>_<namespace>_<container>-<id>.log`, or the file it points to (where a rotated file
    /// is found), `.../<namespace>_<pod>_<uid>/<container>/<n>.log[.<time>]`. nil for other paths.
    public init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.last else { return nil }
        if let name = KubeletLogName(String(last)) {
            self = name.labels
            return
        }
        // /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log
        guard parts.count >= 3, last.utf8.first.map({ (0x30...0x39).contains($0) }) == true, last.contains(".log") else { return nil }
        let folder = parts[parts.count - 3].split(separator: "_", omittingEmptySubsequences: false)
        let container = parts[parts.count - 2]
        guard folder.count == 3, folder.allSatisfy({ !$0.isEmpty }), !container.isEmpty else { return nil }
        self.init(pod: String(folder[1]), namespace: String(folder[0]), container: String(container))
    }

    /// `directory` with a trailing slash.
    static func prefix(_ directory: String) -> String { directory.hasSuffix("/") ? directory : directory + "/" }
}
