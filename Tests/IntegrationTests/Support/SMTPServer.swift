import Foundation
import Testing

/// A real SMTP server on 127.0.0.1 (`smtpd.py`: Debian's python3-aiosmtpd) delivering into a
/// Maildir, started by a test and stopped by its PID; `start()` brings it back on the same port.
final class SMTPServer {
    struct Mail {
        /// The raw message as the server stored it.
        var raw: String
        var headers: [String: String] {
            var out: [String: String] = [:]
            let head = raw.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")[0]
            for line in head.replacingOccurrences(of: "\n ", with: " ").split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                out[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            return out
        }

        /// The decoded text of its base64 parts (plain, then HTML).
        var text: String {
            var out = ""
            let normal = raw.replacingOccurrences(of: "\r\n", with: "\n")
            for part in normal.components(separatedBy: "Content-Transfer-Encoding: base64\n\n").dropFirst() {
                let b64 = part.components(separatedBy: "\n--").first!.replacingOccurrences(of: "\n", with: "")
                out += String(decoding: Data(base64Encoded: b64) ?? Data(), as: UTF8.self)
            }
            return out
        }
    }

    static let script = Fixtures.packageRoot + "/Tests/IntegrationTests/Support/smtpd.py"

    let port: Int
    let maildir: String
    let logPath: String
    let modePath: String
    let extra: [String]
    private var process: Process?

    init(_ dir: TempDir, auth: String? = nil, cert: (String, String)? = nil, implicit: Bool = false) {
        port = Receiver.freePort()
        maildir = dir.file("Maildir")
        logPath = dir.file("smtpd.jsonl")
        modePath = dir.file("smtpd.mode")
        var e: [String] = []
        if let auth { e += ["--auth", auth] }
        if let cert { e += ["--cert", cert.0, "--key", cert.1] + (implicit ? ["--implicit"] : []) }
        extra = e
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        mode("ok")
    }

    func mode(_ m: String) { try? m.write(toFile: modePath, atomically: true, encoding: .utf8) }

    func start() throws {
        guard process == nil else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.script, "--port", String(port), "--maildir", maildir, "--log", logPath, "--mode-file", modePath] + extra
        p.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: logPath + ".stderr", contents: nil)
        p.standardError = FileHandle(forWritingAtPath: logPath + ".stderr") ?? FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
        guard Proc.waitFor(10, { Receiver.answers(port) }) else {
            Issue.record("smtpd.py did not start: \((try? String(contentsOfFile: logPath + ".stderr", encoding: .utf8)) ?? "")")
            throw CocoaError(.executableLoad)
        }
    }

    func stop() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// The mails in the Maildir's `new/`, in the order the server took them (its log names each file).
    func mails() -> [Mail] {
        log().compactMap { $0["key"] as? String }.compactMap { try? String(contentsOfFile: maildir + "/new/" + $0, encoding: .utf8) }.map { Mail(raw: $0) }
    }

    /// The envelopes logged, one per DATA.
    func log() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    deinit { stop() }
}
