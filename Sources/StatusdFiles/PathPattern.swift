import StatusdEngine
import StatusdParse
#if canImport(Glibc)
import Glibc
#endif

/// One configured path, split into its directory and the name (or glob) within it.
///
/// statusd watches directories, not files: a pattern is matched against the names in its
/// directory, so files that appear, are rotated in or renamed are found. Only the last component
/// may be a glob. Compressed rotations (`.gz`, `.zst`, …) are never tailed: their bytes are not lines.
/// It lives below the daemon so that `statusd check` lists what a `kubernetes:` input takes
/// (`KubernetesFiles`) by the tailer's own matching, without linking the daemon.
package struct PathPattern: Equatable, Sendable {
    package var directory: String
    package var name: String
    package var isGlob: Bool
    /// A `kubernetes:` input's pods: a name must also be a kubelet container log of them (the glob
    /// alone would take `controller-sidecar-<id>.log` for container `controller`).
    package var kubernetes: KubernetesSelection?

    /// `path` is absolute (the config loader checks).
    package init(_ path: String) {
        let slash = path.lastIndex(of: "/")!
        let dir = String(path[..<slash])
        directory = dir.isEmpty ? "/" : dir
        name = String(path[path.index(after: slash)...])
        isGlob = name.contains(where: { "*?[".contains($0) })
    }

    /// An input's patterns: its paths, or for `kubernetes:` its pods' links in the kubelet's directory.
    package static func of(_ input: InputConfig) -> [PathPattern] {
        input.paths.map { path in
            var p = PathPattern(path)
            p.kubernetes = input.kubernetes
            return p
        }
    }

    /// `directory` with a trailing slash, so that `prefix + name` is a path (also for `/`).
    package var prefix: String { Self.prefix(directory) }

    package static func prefix(_ directory: String) -> String { directory == "/" ? "/" : directory + "/" }

    /// `true` when `name`, a name in `directory`, is what this pattern stands for.
    package func matches(name other: String) -> Bool {
        guard isGlob ? fnmatch(name, other, 0) == 0 : name == other else { return false }
        return kubernetes?.matches(fileName: other) ?? true
    }

    /// The paths this pattern matches among `names`, the entries of its directory, sorted; compressed
    /// rotations left out. A plain name is its path whether or not it exists yet.
    package func paths(among names: [String]) -> [String] {
        guard isGlob else { return [prefix + name] }
        return names.filter { Self.isListable($0) && matches(name: $0) }.sorted().map { prefix + $0 }
    }

    package static func isCompressed(_ name: String) -> Bool {
        [".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip"].contains { name.hasSuffix($0) }
    }

    /// A name that may be a log statusd follows or resumes: not `.`/`..`, not compressed.
    package static func isListable(_ name: String) -> Bool {
        name != "." && name != ".." && !isCompressed(name)
    }

    /// Regular names in `dir` (compressed rotations left out), as sorted paths.
    package static func listDirectory(_ dir: String) -> [String] {
        let prefix = prefix(dir)
        return entryNames(dir).filter(isListable).sorted().map { prefix + $0 }
    }

    /// Every name in `dir`, unsorted; none when it cannot be read.
    package static func entryNames(_ dir: String) -> [String] {
        (try? entryNamesOrError(dir).get()) ?? []
    }

    /// The paths this pattern matches on disk now (reads its directory for a glob), or why the
    /// directory could not be read.
    package func matchingPathsOrError() -> Result<[String], Errno> {
        guard isGlob else { return .success([prefix + name]) }
        return Self.entryNamesOrError(directory).map { paths(among: $0) }
    }

    /// Every name in `dir`, unsorted, or why it cannot be read.
    package static func entryNamesOrError(_ dir: String) -> Result<[String], Errno> {
        guard let d = opendir(dir) else { return .failure(Errno(errno)) }
        defer { closedir(d) }
        var out: [String] = []
        while let entry = readdir(d) {
            out.append(withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            })
        }
        return .success(out)
    }
}
