import Foundation
import StatusdCore
import StatusdFiles
import Testing

/// What `statusd check` lists for a `kubernetes:` input (`KubernetesFiles`, in StatusdFiles so the
/// CLI needs no daemon): the selected pods' links in a real directory, with their labels, or why
/// the directory cannot be read.
@Suite("kubernetes: the files check lists")
struct KubernetesFilesTests {
    static let id = String(repeating: "0123456789abcdef", count: 4)

    @Test("the selected containers' links in the directory, sorted, with pod, namespace and container")
    func matching() throws {
        let dir = NSTemporaryDirectory() + "statusd-k8s-files-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in [
            "web-1_shop_nginx-\(Self.id).log",
            "web-0_shop_nginx-\(Self.id).log",
            "web-0_shop_nginx-sidecar-\(Self.id).log",
            "web-0_kube-system_nginx-\(Self.id).log",
            "web-0_shop_nginx-\(Self.id).log.gz",
        ] {
            #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()))
        }
        let selection = KubernetesSelection(namespace: "shop", container: "nginx", directory: dir)
        let (found, error) = KubernetesFiles.matching(selection)
        #expect(error == nil)
        #expect(found == [
            KubernetesFiles.Match(path: dir + "/web-0_shop_nginx-\(Self.id).log", labels: PodLabels(pod: "web-0", namespace: "shop", container: "nginx")),
            KubernetesFiles.Match(path: dir + "/web-1_shop_nginx-\(Self.id).log", labels: PodLabels(pod: "web-1", namespace: "shop", container: "nginx")),
        ])
    }

    @Test("a directory that cannot be read: no match, and why")
    func unreadable() {
        let selection = KubernetesSelection(namespace: "shop", container: "nginx", directory: "/nonexistent/statusd-k8s")
        let (found, error) = KubernetesFiles.matching(selection)
        #expect(found.isEmpty)
        #expect(error == "No such file or directory")
    }
}
