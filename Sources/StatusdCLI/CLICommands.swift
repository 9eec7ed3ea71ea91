import ArgumentParser

/// The commands that need nothing of the daemon: the offline ones (check, replay, explain,
/// discover, gen, demo-traffic) and the status socket's clients (status, silence, ack), which
/// reach the running daemon only through its socket. This target does not depend on
/// StatusdDaemon, so the compiler keeps it that way; the `statusd` executable puts these in its
/// command tree next to the commands that run the daemon's parts (run, test-sink).
package enum CLICommands {
    package static var status: any ParsableCommand.Type { Status.self }
    package static var check: any ParsableCommand.Type { Check.self }
    package static var replay: any ParsableCommand.Type { Replay.self }
    package static var silence: any ParsableCommand.Type { SilenceCommand.self }
    package static var ack: any ParsableCommand.Type { AckCommand.self }
    package static var explain: any ParsableCommand.Type { Explain.self }
    package static var discover: any ParsableCommand.Type { Discover.self }
    package static var demoTraffic: any ParsableCommand.Type { DemoTraffic.self }
    package static var gen: any ParsableCommand.Type { Gen.self }
}
