import ArgumentParser
import StatusdCLI

/// The `statusd` command: the daemon and the tools around it.
@main
struct Statusd: AsyncParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "statusd",
        abstract: "Watches web access logs and alerts on 5xx, Cloudflare 52x and client-abort rates.",
        version: version,
        subcommands: [Run.self, CLICommands.status, CLICommands.check, CLICommands.replay, CLICommands.silence, CLICommands.ack, TestSink.self,
                      CLICommands.explain, CLICommands.discover, Version.self, CLICommands.demoTraffic, CLICommands.gen]
    )
}
