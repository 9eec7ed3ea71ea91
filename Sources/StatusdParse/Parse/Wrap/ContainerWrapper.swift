/// The envelope a container runtime writes around each line a container prints, as an input's
/// `wrapper:` names it.
///
/// ingress-nginx and most containers log to stdout, and the runtime, not the server, writes the
/// file: CRI runtimes (containerd, CRI-O; what the kubelet reads) as `<time> <stream> <P|F> <text>`,
/// Docker's json-file driver as one JSON object per line. The input's format reads the text inside;
/// `auto` tells the two apart (or neither) from a file's first line.
public enum ContainerWrapper: String, Sendable, CaseIterable, Codable {
    case none, auto, cri, docker
}

/// The container stream a wrapped line came from. Servers write requests to stdout and their own
/// diagnostics to stderr, so a stderr line the format cannot read is `ignored`, not `unparsed`.
public enum ContainerStream: Sendable, Equatable {
    case stdout, stderr
}
