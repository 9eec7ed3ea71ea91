import StatusdParse
import StatusdEngine
import Yams

/// `kubernetes: {namespace: ingress-nginx, container: controller, pod: "*", dir: /var/log/containers}`
/// on an input: the pods' container logs, found by the kubelet's file names.
extension ConfigLoader {
    static let kubernetesKeys = ["namespace", "container", "pod", "dir"]

    mutating func kubernetes(_ node: Node) -> KubernetesSelection? {
        guard let map = reader.mapping(node, "`kubernetes`") else { return nil }
        var namespace: String?, container = "*", pod = "*", dir = KubernetesSelection.defaultDirectory
        var ok = true
        for (k, v) in map {
            switch k.string ?? "" {
            case "namespace": if let g = nameGlob(v, "namespace") { namespace = g } else { ok = false }
            case "container": if let g = nameGlob(v, "container") { container = g } else { ok = false }
            case "pod": if let g = nameGlob(v, "pod") { pod = g } else { ok = false }
            case "dir":
                if let p = reader.path(v, "dir") {
                    dir = p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p
                } else { ok = false }
            default:
                reader.unknownKey(k, in: "`kubernetes`", known: Self.kubernetesKeys)
                ok = false
            }
        }
        guard ok else { return nil }
        guard let namespace else {
            reader.fail(node, "`kubernetes` needs a `namespace` (a name or a glob: `ingress-nginx`, `web-*`)")
            return nil
        }
        return KubernetesSelection(namespace: namespace, container: container, pod: pod, directory: dir)
    }

    /// A rule grouping by `pod`, `namespace` or `container` whose inputs read no container logs:
    /// every line's value would be `-`, one group. A warning: a path input may still be on them.
    mutating func checkPodGrouping(_ config: StatusdConfig, _ top: Node.Mapping) {
        let ruleNodes = top["rules"]?.sequence.map { Array($0) } ?? []
        for (i, rule) in config.rules.enumerated() {
            guard let key = rule.groupBy.first(where: \.isPodLabel) else { continue }
            let readsPods = config.inputs.contains { input in
                rule.watches(input: input.name) && (input.kubernetes != nil || input.paths.contains {
                    $0.hasPrefix("/var/log/containers/") || $0.hasPrefix("/var/log/pods/")
                })
            }
            guard !readsPods else { continue }
            let at = (ruleNodes.indices.contains(i) ? ruleNodes[i].mapping?["group_by"] ?? ruleNodes[i] : nil)?.mark
            warnings.append(ConfigError(file: file, line: at?.line ?? 1, column: at?.column ?? 1,
                message: "rule `\(rule.name)` groups by `\(key.rawValue)`, but none of its inputs reads Kubernetes container logs "
                    + "(`kubernetes:`, or a path in /var/log/containers): every line's \(key.rawValue) is `-`"))
        }
    }

    /// A pod, namespace or container name or glob: not empty, no `_` or `/` (the kubelet's
    /// separators, never in a Kubernetes name), no spaces or control bytes.
    private mutating func nameGlob(_ node: Node, _ what: String) -> String? {
        guard let s = reader.scalar(node, what) else { return nil }
        let ok = !s.isEmpty && s.utf8.count <= 253 && s.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: "/") }
        guard ok else {
            reader.fail(node, "`\(what)` is a Kubernetes name or a glob (`ingress-nginx`, `web-*`): not empty, without `_`, `/` or spaces, not `\(SafeText.field(s))`")
            return nil
        }
        return s
    }
}

extension KubernetesSelection {
    /// `true` when `name`, a name in the kubelet's directory, is a container log this selection
    /// takes: the kubelet's pattern, with its pod, namespace and container matching the globs.
    public func matches(fileName name: String) -> Bool {
        guard let parsed = KubeletLogName(name) else { return false }
        return matches(parsed.labels)
    }

    /// `true` when a container's labels match the globs.
    public func matches(_ labels: PodLabels) -> Bool {
        Glob.matches(namespace, labels.namespace) && Glob.matches(container, labels.container) && Glob.matches(pod, labels.pod)
    }
}
