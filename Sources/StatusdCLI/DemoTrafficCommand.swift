import ArgumentParser
import Foundation
import StatusdCore

/// Writes a scripted minute of web traffic to an access log: healthy, an outage of 502/503/504,
/// healthy again. It drives the README's demo and is handy for trying rules.
struct DemoTraffic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-traffic",
        abstract: "Write demo access-log traffic with an outage in the middle (for trying statusd).")

    @Option(help: "The access log to append to.")
    var path: String

    @Option(help: "Requests per second.")
    var rate: Int = 40

    @Option(help: "Seconds of healthy traffic before the outage.")
    var healthy: Int = 10

    @Option(help: "Seconds of outage.")
    var outage: Int = 20

    @Option(help: "Seconds of healthy traffic after the outage.")
    var recovery: Int = 35

    func run() throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot write \(path)") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let total = healthy + outage + recovery
        var rng = SystemRandomNumberGenerator()
        let paths = ["/", "/index.html", "/api/cart", "/api/search?q=shoes", "/static/app.js", "/img/logo.png"]
        for second in 0..<total {
            let inOutage = second >= healthy && second < healthy + outage
            let phase = inOutage ? "outage" : (second < healthy ? "healthy" : "recovered")
            var lines = ""
            let now = Date()
            for _ in 0..<rate {
                let roll = Int.random(in: 0..<100, using: &rng)
                let status: Int
                if inOutage {
                    status = roll < 20 ? 502 : roll < 28 ? 503 : roll < 32 ? 504 : roll < 34 ? 499 : 200
                } else {
                    status = roll < 2 ? 404 : roll < 5 ? 304 : 200
                }
                let path = paths.randomElement(using: &rng)!
                lines += "127.0.0.1 - - [\(Self.timeLocal(now))] \"GET \(path) HTTP/1.1\" \(status) \(Int.random(in: 200...9000, using: &rng)) \"-\" \"demo-traffic/1.0\"\n"
            }
            handle.write(Data(lines.utf8))
            if second % 5 == 0 {
                FileHandle.standardError.write(Data("demo-traffic: second \(second) of \(total), \(phase)\n".utf8))
            }
            Thread.sleep(forTimeInterval: 1)
        }
        handle.closeFile()
    }

    static func timeLocal(_ date: Date) -> String {
        let s = Int64(date.timeIntervalSince1970)
        let (y, m, d) = CivilTime.civilFromDays(s / 86400)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let rem = s % 86400
        func p(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(p(Int64(d)))/\(months[m - 1])/\(y):\(p(rem / 3600)):\(p(rem / 60 % 60)):\(p(rem % 60)) +0000"
    }
}
