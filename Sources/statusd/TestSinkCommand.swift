import ArgumentParser
import Foundation
import StatusdCore
import StatusdFiles
import StatusdDaemon

/// `statusd test-sink NAME`: one clearly marked test message through the real sink, and the HTTP
/// outcome. The URL and secret are never printed: the sink's name, type and host at most.
struct TestSink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-sink",
        abstract: "Send a test message through a configured sink and print the HTTP outcome.",
        discussion: "Exit codes: 0 delivered (2xx; for email, accepted after DATA), 1 refused or failing, 2 no such sink or a config error. "
            + "PagerDuty and Opsgenie get a test alert that is resolved or closed at once.")

    @Argument(help: "The sink's name, as in `sinks:`.")
    var name: String

    @Option(name: .shortAndLong, help: "The config file.")
    var config: String = StatusdConfig.defaultPath

    func run() async throws {
        let loaded: StatusdConfig
        switch ConfigFile.load(config) {
        case .success(let c): loaded = c
        case .failure(let errors):
            for e in errors.errors { print(SafeText.field(e.description)) }
            throw ExitCode(2)
        }
        guard let sink = loaded.sinks.first(where: { $0.name == name }) else {
            let known = loaded.sinks.map(\.name)
            print("statusd: no sink `\(name)` in \(config)" + (known.isEmpty ? " (it has no `sinks:`)" : "; sinks: \(known.joined(separator: ", "))"))
            throw ExitCode(2)
        }
        let resolved: SinkFactory.Resolved
        switch SinkFactory.resolve([sink]) {
        case .success(let r): resolved = r[0]
        case .failure(let errors):
            for e in errors.errors { print(SafeText.field(e.description)) }
            throw ExitCode(2)
        }
        // A peer's answer or a library's error may quote the URL: printed through the redactor.
        Redaction.add(config: loaded, resolved: [resolved])
        let client = SinkFactory.makeClient()
        // One test per URL (an Alertmanager cluster has several); the exit code is the worst.
        var worst: Int32 = 0
        let sinks = SinkFactory.make([resolved], client: client, version: Statusd.version, host: loaded.host ?? SinkFactory.hostName())
        for sink in sinks.compactMap({ $0 as? any TestableSink }) {
            print("sending a test message to sink \(sink.name) (\(sink.type)) at \(sink.display)")
            let started = Date()
            let (outcome, status) = await sink.sendTest(now: Int64(Date().timeIntervalSince1970))
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            // Mail has no HTTP status: the SMTP server's acceptance after DATA is the delivery.
            let code = status.map { "HTTP \($0)" } ?? (sink.type == "email" ? "accepted by the SMTP server" : "no HTTP answer")
            switch outcome {
            case .delivered:
                print("delivered: \(code) in \(ms) ms")
            case .retry(let reason, let after):
                print("failed, would be retried\(after.map { " after \(String(format: "%.1f", $0))s" } ?? ""): \(Redaction.clean(reason))")
                worst = 1
            case .rejected(let reason):
                print("refused (not retried): \(Redaction.clean(reason))")
                worst = 1
            case .disable(let reason):
                print("the sink would be disabled: \(Redaction.clean(reason))")
                worst = 1
            }
        }
        try? await client.shutdown()
        if worst != 0 { throw ExitCode(worst) }
    }
}
