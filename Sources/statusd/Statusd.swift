import ArgumentParser

/// The `statusd` command: the daemon and the tools around it.
@main
struct Statusd: AsyncParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "statusd",
        abstract: "Watches web access logs and alerts on 5xx, Cloudflare 52x and client-abort rates.",
        version: version,
        subcommands: [Run.self, Status.self, Check.self, Replay.self, SilenceCommand.self, AckCommand.self, TestSink.self, Explain.self, Discover.self, Version.self, DemoTraffic.self, Gen.self]
    )
}
