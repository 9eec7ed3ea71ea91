import ArgumentParser

/// `statusd version`: here, next to `Statusd.version` (which packaging/build-deb.sh reads).
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")

    func run() { print("statusd \(Statusd.version)") }
}
