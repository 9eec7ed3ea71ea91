import StatusdCore
import StatusdFiles
#if canImport(Glibc)
import Glibc
#endif

/// Followed paths that are symlinks: Kubernetes' `/var/log/containers/*.log` point into
/// `/var/log/pods/<pod>/<container>/0.log`. The runtime writes (and the kubelet rotates) in the
/// target's directory, where a watch on the pattern's directory hears nothing, so the target's
/// directory is watched too and its events are mapped back to the path that is followed.
extension Tailer {
    /// Records `path`'s target when it is a symlink and watches the target's directory.
    func followLink(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else { return }
        let target = String(cString: resolved)
        free(resolved)
        guard target != path else { return }
        linkTargets[target] = path
        let dir = PathPattern(target).directory
        if !watcher.isWatched(dir), !watcher.pollingDirectories.contains(dir) { watcher.watch(dir, polled: isPolled(dir)) }
    }

    /// The directory `path` points into when it is a symlink to another directory's file.
    func linkDirectory(of path: String) -> [String] {
        guard let resolved = realpath(path, nil) else { return [] }
        let target = String(cString: resolved)
        free(resolved)
        let dir = PathPattern(target).directory
        return target == path || dir == PathPattern(path).directory ? [] : [dir]
    }

    /// The name of the file `path` links to now (`0.log` for a kubelet link), when it is a link.
    func linkTargetName(of path: String) -> [String] {
        guard let resolved = realpath(path, nil) else { return [] }
        let target = String(cString: resolved)
        free(resolved)
        return target == path ? [] : [PathPattern(target).name]
    }

    /// Targets' directories, watched beside the patterns' own.
    var linkDirectories: Set<String> { Set(linkTargets.keys.map { PathPattern($0).directory }) }

    /// Forgets targets of paths no longer followed.
    func pruneLinks() {
        linkTargets = linkTargets.filter { active[$0.value] != nil }
    }
}
