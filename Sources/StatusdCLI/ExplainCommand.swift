import ArgumentParser
import StatusdCore

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "What a status code means, who writes it and who is usually at fault.")

    @Argument(help: "A status code: 000, 499, 502, 522 ...")
    var code: String

    func run() throws {
        guard code.count == 3 || code == "0" || code == "-1", let v = Int(code), let status = StatusCode(v == -1 ? 0 : v) else {
            throw ValidationError("a status code has three digits, such as 502 or 000")
        }
        let e = StatusCatalog.explain(status)
        var kinds: [String] = []
        if status.isAbort { kinds.append("an abort (counted in `aborts`)") }
        if status.isCloudflareOriginError { kinds.append("a Cloudflare origin error (counted in `52x`)") }
        print("\(status) \(e.name)")
        print("  written by:  \(e.writtenBy)")
        print("  meaning:     \(e.meaning)")
        print("  usual fault: \(e.usualFault)")
        if let hint = e.hint { print("  also:        \(hint)") }
        if !kinds.isEmpty { print("  statusd:     \(kinds.joined(separator: "; "))") }
    }
}
