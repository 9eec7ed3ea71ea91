import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `kubernetes:` inputs: the kubelet's file names taken apart, matched against the namespace,
/// container and pod globs; the config's keys and errors; `group_by: [pod]` in the monitor.
@Suite("kubernetes: kubelet names, globs, config, group_by pod")
struct KubernetesSelectionTests {
    static let id = String(repeating: "0123456789abcdef", count: 4)

    static func name(_ pod: String, _ ns: String, _ container: String, id: String = KubernetesSelectionTests.id) -> String {
        "\(pod)_\(ns)_\(container)-\(id).log"
    }

    @Test("a kubelet link name splits into pod, namespace, container and id; dashes and dots in names stay theirs")
    func parse() throws {
        let n = try #require(KubeletLogName(Self.name("ingress-nginx-controller-7d9f8b6c5d-x2x4q", "ingress-nginx", "controller")))
        #expect(n.labels == PodLabels(pod: "ingress-nginx-controller-7d9f8b6c5d-x2x4q", namespace: "ingress-nginx", container: "controller"))
        #expect(n.containerID == Self.id)
        // A pod name with dots (a StatefulSet of a DNS-named service), a container with dashes.
        let d = try #require(KubeletLogName(Self.name("web.example.com-0", "shop-prod", "nginx-sidecar")))
        #expect(d.labels == PodLabels(pod: "web.example.com-0", namespace: "shop-prod", container: "nginx-sidecar"))
    }

    @Test("names that are not a kubelet link are refused: rotated, compressed, short or non-hex ids, wrong parts")
    func refuse() {
        let good = Self.name("p", "ns", "c")
        #expect(KubeletLogName(good) != nil)
        #expect(KubeletLogName(good + ".20261207-150642") == nil)
        #expect(KubeletLogName(good + ".gz") == nil)
        #expect(KubeletLogName(Self.name("p", "ns", "c", id: String(Self.id.dropLast()))) == nil)
        #expect(KubeletLogName(Self.name("p", "ns", "c", id: String(Self.id.dropLast()) + "g")) == nil)
        #expect(KubeletLogName(Self.name("p", "ns", "c", id: Self.id.uppercased())) == nil)
        #expect(KubeletLogName("p_ns-\(Self.id).log") == nil)             // two parts
        #expect(KubeletLogName("p_x_ns_c-\(Self.id).log") == nil)         // four parts
        #expect(KubeletLogName("_ns_c-\(Self.id).log") == nil)            // empty pod
        #expect(KubeletLogName("access.log") == nil)
    }

    @Test("both layouts give the labels: the link in /var/log/containers and the file in /var/log/pods, rotated too")
    func paths() {
        let want = PodLabels(pod: "ctrl-a.b", namespace: "ingress-nginx", container: "controller")
        #expect(PodLabels(path: "/var/log/containers/" + Self.name("ctrl-a.b", "ingress-nginx", "controller")) == want)
        #expect(PodLabels(path: "/var/log/pods/ingress-nginx_ctrl-a.b_5f1c-77aa/controller/0.log") == want)
        #expect(PodLabels(path: "/var/log/pods/ingress-nginx_ctrl-a.b_5f1c-77aa/controller/3.log.20261207-150642") == want)
        #expect(PodLabels(path: "/var/log/nginx/access.log") == nil)
        #expect(PodLabels(path: "/var/log/nginx/sites/0.log") == nil)
    }

    @Test("namespace, container and pod globs choose exactly: container `controller` is not `controller-sidecar`")
    func globs() {
        let sel = KubernetesSelection(namespace: "ingress-nginx", container: "controller")
        #expect(sel.matches(fileName: Self.name("ctrl-1", "ingress-nginx", "controller")))
        #expect(!sel.matches(fileName: Self.name("ctrl-1", "ingress-nginx", "controller-sidecar")))
        #expect(!sel.matches(fileName: Self.name("ctrl-1", "ingress-nginx-canary", "controller")))
        #expect(!sel.matches(fileName: Self.name("ctrl-1", "ingress-nginx", "controller") + ".20261207-150642"))
        let globbed = KubernetesSelection(namespace: "web-*", container: "nginx*", pod: "shop-[0-9]*")
        #expect(globbed.matches(fileName: Self.name("shop-1.eu", "web-prod", "nginx")))
        #expect(globbed.matches(fileName: Self.name("shop-22", "web-staging", "nginx-exporter")))
        #expect(!globbed.matches(fileName: Self.name("shop-x", "web-prod", "nginx")))
        #expect(!globbed.matches(fileName: Self.name("shop-1", "webprod", "nginx")))
        #expect(!globbed.matches(fileName: Self.name("shop-1", "web-prod", "envoy")))
        // The tailer's listing glob is a superset: it takes both, `matches` decides.
        #expect(sel.pathGlob == "/var/log/containers/*_ingress-nginx_controller-*.log")
        #expect(Glob.matches("*_ingress-nginx_controller-*.log", Self.name("ctrl-1", "ingress-nginx", "controller-sidecar")))
    }

    @Test("a kubernetes input loads: dir, pod, default container and wrapper cri; wrapper can be said")
    func load() throws {
        let c = try ConfigLoader.load(yaml: """
        inputs:
          - {name: ingress, kubernetes: {namespace: ingress-nginx, container: controller, dir: /tmp/k/containers/}, format: combined}
          - {name: shop, kubernetes: {namespace: "web-*", pod: "shop-*"}, wrapper: auto, format: json}
        rules:
          - {name: e, match: 5xx, rate_above: 5%, group_by: [pod]}
        """, file: "f.yaml").get()
        let k = try #require(c.inputs[0].kubernetes)
        #expect(k == KubernetesSelection(namespace: "ingress-nginx", container: "controller", directory: "/tmp/k/containers"))
        #expect(c.inputs[0].paths == ["/tmp/k/containers/*_ingress-nginx_controller-*.log"])
        #expect(c.inputs[0].formatOptions.wrapper == .cri)
        #expect(c.inputs[0].sourceKind == "kubernetes")
        #expect(c.inputs[1].kubernetes == KubernetesSelection(namespace: "web-*", container: "*", pod: "shop-*"))
        #expect(c.inputs[1].formatOptions.wrapper == .auto)
        #expect(c.rules[0].groupBy == [.pod])
    }

    @Test("kubernetes config errors name file:line: unknown key, empty or missing namespace, `_` in a name, with path")
    func errors() {
        func errs(_ input: String) -> [ConfigError] {
            guard case .failure(let e) = ConfigLoader.load(yaml: "inputs:\n  - name: web\n" + input + "\nrules: []\n", file: "/etc/statusd/statusd.yaml") else { return [] }
            return e.errors
        }
        let unknown = errs("    kubernetes: {namespace: a, containr: c}")
        #expect(unknown.contains { $0.line == 3 && $0.message.contains("containr") && $0.file == "/etc/statusd/statusd.yaml" }, "\(unknown)")
        let empty = errs("    kubernetes: {namespace: \"\", container: c}")
        #expect(empty.contains { $0.line == 3 && $0.message.contains("`namespace`") }, "\(empty)")
        let missing = errs("    kubernetes: {container: c}")
        #expect(missing.contains { $0.line == 3 && $0.message.contains("needs a `namespace`") }, "\(missing)")
        let underscore = errs("    kubernetes: {namespace: a_b}")
        #expect(underscore.contains { $0.line == 3 && $0.message.contains("without `_`") }, "\(underscore)")
        let both = errs("    path: /var/log/x.log\n    kubernetes: {namespace: a}")
        #expect(both.contains { $0.line == 4 && $0.message.contains("one of them") }, "\(both)")
        let relative = errs("    kubernetes: {namespace: a, dir: var/log}")
        #expect(relative.contains { $0.line == 3 && $0.message.contains("absolute") }, "\(relative)")
        let globDir = errs("    kubernetes: {namespace: a, dir: /var/*/containers}")
        #expect(globDir.contains { $0.line == 3 && $0.message.contains("glob in a directory") }, "\(globDir)")
    }

    @Test("group_by: [pod] on a rule whose inputs read no container logs is warned about, with its line")
    func podGroupingWarning() throws {
        let c = try ConfigLoader.load(yaml: """
        inputs:
          - {name: web, path: /var/log/nginx/access.log}
          - {name: ingress, kubernetes: {namespace: ingress-nginx}}
        rules:
          - {name: a, match: 5xx, rate_above: 5%, inputs: [web], group_by: [pod]}
          - {name: b, match: 5xx, rate_above: 5%, group_by: [namespace]}
          - {name: c, match: 5xx, rate_above: 5%, inputs: [ingress], group_by: [container]}
        """, file: "f.yaml").get()
        #expect(c.warnings.count == 1, "\(c.warnings)")
        #expect(c.warnings.first?.line == 5 && c.warnings.first?.message.contains("rule `a` groups by `pod`") == true, "\(c.warnings)")
    }

    @Test("group_by: [pod] runs the rule per pod: the failing pod fires alone, named; lines of no pod are `-`")
    func groupByPod() {
        var input = InputConfig(name: "ingress", paths: [], format: .combined)
        input.maxSkewSeconds = 86400
        var rule = Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.2, window: 60, minRequests: 20, severity: .critical)
        rule.groupBy = [.pod]
        var m = Monitor(inputs: [input], rules: [rule], clock: .lines)
        let pods = ["ctrl-a", "ctrl-b", "ctrl-c"].map { PodLabels(pod: $0, namespace: "ingress-nginx", container: "controller") }
        var out: [AlertTransition] = []
        for s in Int64(0)..<30 {
            let t = LabelGroupTests.t0 + s
            for p in pods {
                m.enterSource(p, input: 0)
                for k in 0..<10 {
                    let bad = p.pod == "ctrl-b" && s >= 5 && k % 2 == 0
                    LabelGroupTests.feed(&m, LabelGroupTests.line(host: "a.example", path: "/x", code: bad ? 502 : 200, at: t), at: t)
                }
            }
            m.advance(wallClock: t + 1)
            out += m.takeTransitions()
        }
        let firing = out.filter { $0.kind == .firing }
        #expect(firing.map(\.group) == ["ctrl-b"], "\(out.map { "\($0.kind) \($0.group ?? "-")" })")
        let groups = Set(m.rules[0].series.compactMap(\.group))
        #expect(groups == ["ctrl-a", "ctrl-b", "ctrl-c"])
    }
}
