import StatusdParse
#if canImport(Glibc)
import Glibc
#endif

/// What a `kubernetes:` input takes now: the kubelet's links in its directory whose pod,
/// namespace and container match (`statusd check` lists them; the tailer finds the same through
/// its `PathPattern`).
package enum KubernetesFiles {
    package struct Match: Sendable, Equatable {
        package var path: String
        package var labels: PodLabels

        package init(path: String, labels: PodLabels) {
            self.path = path
            self.labels = labels
        }
    }

    /// The matching container logs, sorted by path; or why the directory cannot be read.
    package static func matching(_ selection: KubernetesSelection) -> (matches: [Match], error: String?) {
        var pattern = PathPattern(selection.pathGlob)
        pattern.kubernetes = selection
        switch pattern.matchingPathsOrError() {
        case .success(let paths): return (paths.compactMap { p in PodLabels(path: p).map { Match(path: p, labels: $0) } }, nil)
        case .failure(let e): return ([], e.description)
        }
    }
}
