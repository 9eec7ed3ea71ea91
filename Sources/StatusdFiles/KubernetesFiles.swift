import StatusdParse
#if canImport(Glibc)
import Glibc
#endif

/// What a `kubernetes:` input takes now: the kubelet's links in its directory whose pod,
/// namespace and container match (`statusd check` lists them; the tailer finds the same through
/// its `PathPattern`).
public enum KubernetesFiles {
    public struct Match: Sendable, Equatable {
        public var path: String
        public var labels: PodLabels

        public init(path: String, labels: PodLabels) {
            self.path = path
            self.labels = labels
        }
    }

    /// The matching container logs, sorted by path; or why the directory cannot be read.
    public static func matching(_ selection: KubernetesSelection) -> (matches: [Match], error: String?) {
        var pattern = PathPattern(selection.pathGlob)
        pattern.kubernetes = selection
        switch pattern.matchingPathsOrError() {
        case .success(let paths): return (paths.compactMap { p in PodLabels(path: p).map { Match(path: p, labels: $0) } }, nil)
        case .failure(let e): return ([], e.description)
        }
    }
}
