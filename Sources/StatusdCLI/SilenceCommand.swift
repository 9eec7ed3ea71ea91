import ArgumentParser
import StatusdClient
import StatusdCore
import StatusdFiles

/// `statusd silence add|list|remove`: silences go through the daemon's status socket, never its
/// files, so the daemon stays their only writer and a silence applies the moment it is answered.
struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Keep a rule's alerts (or one group's) from being sent for a while.",
        discussion: "Exit codes: 0 done, 1 refused (unknown rule or id, bad duration), 3 the daemon cannot be reached.",
        subcommands: [Add.self, List.self, Remove.self])

    /// Where the daemon listens, as for `statusd status`.
    struct Connection: ParsableArguments {
        @Option(help: "The status socket.")
        var socket: String?

        @Option(name: .shortAndLong, help: "Read the socket path from this config.")
        var config: String = StatusdConfig.defaultPath

        /// Sends one request; prints the daemon's refusal and exits 1, or an unreachable daemon and exits 3.
        func send(_ method: String, _ target: String, body: [UInt8] = [], command: String = "silence") throws -> [UInt8] {
            let path = socket ?? StatusClient.socketPath(config: config)
            let answer: StatusClient.Answer
            do {
                answer = try StatusClient.request(socket: path, target: target, method: method, body: body)
            } catch {
                StandardError.write(SafeText.field("statusd cannot be reached at \(path): \(error)") + "\n")
                throw ExitCode(3)
            }
            guard answer.status == 200 else {
                StandardError.write("statusd \(command): " + SafeText.lines(String(decoding: answer.body, as: UTF8.self)))
                throw ExitCode(1)
            }
            return answer.body
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Silence RULE (or one group of it) for a duration.")

        @OptionGroup var connection: Connection

        @Argument(help: "The rule's name.")
        var rule: String

        @Option(help: "Only this group value (group_by), e.g. an input name.")
        var group: String?

        @Option(name: .customLong("for"), help: "How long: 30m, 2h, 1d (at most 30d).")
        var duration: String?

        @Option(help: "When it starts (a scheduled silence): 2026-12-24T22:00:00Z, 2026-12-24T23:00+01:00, or 2026-12-24 23:00 in this machine's time zone. Default: now.")
        var start: String?

        @Option(help: "When it ends (instead of --for), written as --start.")
        var end: String?

        @Option(help: "Why, for the next person on call.")
        var reason: String

        func run() throws {
            let begin = try start.map { s -> Int64 in
                guard let t = WallTime.parse(s) else { throw ValidationError("--start takes a time such as 2026-12-24T22:00:00Z or \"2026-12-24 23:00\", not `\(s)`") }
                return t
            }
            let seconds: Int64
            switch (duration, end) {
            case (let d?, nil):
                guard let s = DurationText.parse(d), s > 0 else { throw ValidationError("--for takes a duration such as 30m, 2h or 1d, not `\(d)`") }
                seconds = s
            case (nil, let e?):
                guard let t = WallTime.parse(e) else { throw ValidationError("--end takes a time such as 2026-12-24T23:00:00Z or \"2026-12-25 01:00\", not `\(e)`") }
                let from = max(begin ?? 0, WallTime.now())
                guard t > from else { throw ValidationError("--end must be after --start and after now") }
                seconds = t - from
            default:
                throw ValidationError("give one of --for (a duration) and --end (a time)")
            }
            let request = SilenceRequest(rule: rule, group: group, forSeconds: seconds, reason: reason, start: begin)
            let body = try connection.send("POST", "/silences", body: StatusJSON.encode(request))
            let s = try StatusJSON.decode(SilenceReport.self, from: body)
            print(SafeText.field("silenced \(AlertKey.name(rule: s.rule, group: s.group, track: nil)) \(s.start.map { "from \($0) " } ?? "")until \(s.until) (id \(s.id))"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The silences in force.")

        @OptionGroup var connection: Connection

        @Flag(help: "Print the daemon's JSON.")
        var json = false

        func run() throws {
            let body = try connection.send("GET", "/silences")
            if json {
                print(SafeText.json(String(decoding: body, as: UTF8.self)), terminator: "")
                return
            }
            let list = try StatusJSON.decode([SilenceReport].self, from: body)
            if list.isEmpty { print("no silences in force") }
            for s in list { print(s.line) }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End silence ID now.")

        @OptionGroup var connection: Connection

        @Argument(help: "The silence's id, as `statusd silence list` shows it.")
        var id: String

        func run() throws {
            guard !id.isEmpty, id.utf8.allSatisfy({ ASCIIHex.isAllowed($0) }) else {
                throw ValidationError("`\(id)` is not a silence id (8 hex digits, as `statusd silence list` shows)")
            }
            let body = try connection.send("DELETE", "/silences/\(id)")
            let s = try StatusJSON.decode(SilenceReport.self, from: body)
            print(SafeText.field("removed silence \(s.id) of \(AlertKey.name(rule: s.rule, group: s.group, track: nil))"))
        }
    }
}

/// The characters a silence id may have, so an id never needs escaping in a request target.
enum ASCIIHex {
    static func isAllowed(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
    }
}
