import Foundation

extension Statusd {
    /// Runs with the arguments from `/proc/self/cmdline` when the runtime found none: under an
    /// `LD_PRELOAD`ed library such as libfaketime (how the clock-step tests run the daemon),
    /// Swift's `CommandLine.arguments` comes back empty on Linux and every command printed help.
    static func main() async {
        await main(CommandLine.arguments.isEmpty ? procArguments() : nil)
    }

    /// The arguments after the program's name, as the kernel holds them.
    static func procArguments() -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/self/cmdline"), !data.isEmpty else { return nil }
        let parts = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        // The last part is the empty string after the final NUL.
        return Array(parts.dropFirst().dropLast(parts.last == "" ? 1 : 0))
    }
}
