import ArgumentParser
import StatusdCore
import StatusdDaemon

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a config: exit 0, or print every error as FILE:LINE:COLUMN: message and exit 1.")

    @Option(name: .shortAndLong, help: "The config file.")
    var config: String = StatusdConfig.defaultPath

    func run() throws {
        switch ConfigFile.load(config) {
        case .success(let c):
            print("\(config): ok, \(c.inputs.count) inputs, \(c.rules.count) rules")
        case .failure(let errors):
            print(errors.description)
            throw ExitCode(1)
        }
    }
}
