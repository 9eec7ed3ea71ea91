import StatusdCore
import StatusdFiles
import Testing
@testable import StatusdDaemon

/// A `kubernetes:` input's pattern in the kubelet's directory: the listing glob narrowed by the
/// kubelet's names, so a directory of many pods yields exactly the selected containers' links.
@Suite("kubernetes: the tailer's pattern")
struct KubernetesPatternTests {
    static let id = String(repeating: "89abcdef01234567", count: 4)

    @Test("only the selected namespace's and container's links; no sidecar, other namespace, rotated or compressed file")
    func pattern() {
        var input = InputConfig(name: "ingress", paths: [])
        let selection = KubernetesSelection(namespace: "ingress-*", container: "controller", directory: "/var/log/containers")
        input.kubernetes = selection
        input.paths = [selection.pathGlob]
        let patterns = PathPattern.of(input)
        #expect(patterns.count == 1 && patterns[0].directory == "/var/log/containers" && patterns[0].kubernetes == selection)
        let names = [
            "ingress-nginx-controller-7d9f8b6c5d-x2x4q_ingress-nginx_controller-\(Self.id).log",
            "ctrl.canary-0_ingress-nginx-canary_controller-\(Self.id).log",
            "ctrl.canary-0_ingress-nginx_controller-sidecar-\(Self.id).log",
            "ingress-nginx-controller-7d9f8b6c5d-x2x4q_kube-system_controller-\(Self.id).log",
            "ingress-nginx-controller-7d9f8b6c5d-x2x4q_ingress-nginx_controller-\(Self.id).log.20261207-150611",
            "ingress-nginx-controller-7d9f8b6c5d-x2x4q_ingress-nginx_controller-\(Self.id).log.gz",
            "ingress-nginx-controller_ingress-nginx_controller-short.log",
        ]
        #expect(patterns[0].paths(among: names) == [
            "/var/log/containers/ctrl.canary-0_ingress-nginx-canary_controller-\(Self.id).log",
            "/var/log/containers/ingress-nginx-controller-7d9f8b6c5d-x2x4q_ingress-nginx_controller-\(Self.id).log",
        ])
        // A path input keeps plain glob matching.
        let plain = PathPattern.of(InputConfig(name: "web", paths: ["/var/log/containers/*.log"]))
        #expect(plain[0].kubernetes == nil && plain[0].paths(among: names).count == 5)
    }
}
