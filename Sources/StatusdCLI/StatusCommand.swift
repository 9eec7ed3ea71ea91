import ArgumentParser
import StatusdClient
import StatusdCore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the running daemon how it is doing.",
        discussion: "Exit codes: 0 all rules ok, 1 a warning firing or statusd degraded (its health section says why), 2 a critical firing, 3 the daemon cannot be reached or answered garbage."
    )

    @Option(help: "The status socket.")
    var socket: String?

    @Option(name: .shortAndLong, help: "Read the socket path from this config.")
    var config: String = StatusdConfig.defaultPath

    @Flag(help: "Print the daemon's JSON.")
    var json = false

    func run() throws {
        let path = socket ?? StatusClient.socketPath(config: config)
        let report: StatusReport
        let raw: [UInt8]
        do {
            let answer = try StatusClient.request(socket: path, target: "/status")
            guard answer.status == 200 else { throw StatusClient.Failure(description: "HTTP \(answer.status) from \(path)") }
            raw = answer.body
            report = try StatusJSON.decode(StatusReport.self, from: raw)
        } catch {
            print(SafeText.field("UNKNOWN: statusd cannot be reached at \(path): \(error)"))
            throw ExitCode(3)
        }
        if json {
            // JSON escapes C0 controls already; DEL, C1 and bidi overrides it does not.
            print(SafeText.json(String(decoding: raw, as: UTF8.self)), terminator: "")
        } else {
            // Every field from outside is cleaned where it is rendered; this is the net under them.
            print(SafeText.lines(report.renderText()), terminator: "")
        }
        throw ExitCode(report.exitCode)
    }
}
