import StatusdParse
/// The SMTP client's words (RFC 5321), without I/O: the commands, the message as DATA sends it
/// (dot-stuffed, CRLF, ending `.`), the replies read from the server's bytes, and what a reply
/// means for the notification. The daemon's `SMTPClient` only moves bytes.
public enum SMTPText {
    /// `EHLO name`: the host's name when it is a valid domain, else an address literal.
    public static func ehlo(_ host: String) -> String {
        let ok = !host.isEmpty && host.utf8.count <= 253 && host.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E
        }
        return "EHLO " + (ok ? host : "[127.0.0.1]") + "\r\n"
    }

    public static func mailFrom(_ address: String) -> String { "MAIL FROM:<\(address)>\r\n" }
    public static func rcptTo(_ address: String) -> String { "RCPT TO:<\(address)>\r\n" }

    /// `AUTH PLAIN` with the initial response (RFC 4616): base64 of NUL, user, NUL, password.
    public static func authPlain(user: String, password: String) -> String {
        "AUTH PLAIN " + Base64.encode([0] + Array(user.utf8) + [0] + Array(password.utf8)) + "\r\n"
    }

    /// The message as sent after `DATA`: bare LFs made CRLF, a line starting with `.` gets a
    /// second one, and the `CRLF.CRLF` that ends it.
    public static func data(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64)
        var lineStart = true
        var previous: UInt8 = 0
        for b in message {
            if b == 0x0A && previous != 0x0D { out.append(0x0D) }
            if lineStart && b == 0x2E { out.append(0x2E) }
            out.append(b)
            lineStart = b == 0x0A
            previous = b
        }
        if !lineStart { out += [0x0D, 0x0A] }
        return out + [0x2E, 0x0D, 0x0A]
    }
}

/// One reply: its code and its lines' texts (`250-SIZE 1000`, `250 OK`: code 250, lines
/// `SIZE 1000` and `OK`).
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The EHLO keywords, upper-cased (`STARTTLS`, `AUTH`, `SIZE`, `8BITMIME`).
    public var extensions: Set<String> {
        Set(lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } })
    }

    /// `AUTH PLAIN LOGIN`'s mechanisms.
    public var authMechanisms: Set<String> {
        guard let line = lines.dropFirst().first(where: { $0.uppercased().hasPrefix("AUTH") }) else { return [] }
        return Set(line.split(separator: " ").dropFirst().map { $0.uppercased() })
    }

    /// `535 5.7.8 Authentication credentials invalid`, cleaned and short, for status and logs.
    public var text: String {
        SafeText.field("\(code) " + (lines.last ?? "")).prefix(200).description
    }
}

/// Reads replies from the server's bytes as they come, with bounds: a line longer than 2,048
/// bytes or a reply of more than 100 lines is an error, not memory.
public struct SMTPReplyReader: Sendable {
    var line: [UInt8] = []
    var pending: [String] = []
    public private(set) var failed: String?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SMTPReply] {
        var out: [SMTPReply] = []
        for b in bytes {
            guard failed == nil else { return out }
            if b == 0x0A {
                if line.last == 0x0D { line.removeLast() }
                if let r = take(line) { out.append(r) }
                line = []
            } else {
                line.append(b)
                if line.count > 2048 { failed = "a reply line longer than 2048 bytes" }
            }
        }
        return out
    }

    mutating func take(_ l: [UInt8]) -> SMTPReply? {
        guard l.count >= 3, l[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let code = Int(String(decoding: l[0...2], as: UTF8.self)) else {
            failed = "a reply that does not start with a 3-digit code"
            return nil
        }
        let text = l.count > 4 ? String(decoding: l[4...], as: UTF8.self) : ""
        pending.append(text)
        if pending.count > 100 { failed = "a reply of more than 100 lines"; return nil }
        if l.count > 3, l[3] == 0x2D { return nil }
        defer { pending = [] }
        return SMTPReply(code: code, lines: pending)
    }
}

/// What a reply at a step of the dialogue means for the notification: 2xx and 3xx go on; 4xx is
/// temporary (retry); a refused login is the config's fault (the sink is disabled until a
/// reload, its notifications kept); other 5xx refuse this mail for good.
public enum SMTPVerdict: Sendable, Equatable {
    case proceed
    case retry(String)
    case reject(String)
    case disable(String)

    public static func classify(_ r: SMTPReply, step: String, expected: ClosedRange<Int> = 200...399) -> SMTPVerdict {
        if expected.contains(r.code) { return .proceed }
        let what = "SMTP \(step): \(r.text)"
        switch r.code {
        case 400..<500: return .retry(what)
        case 530, 534, 535, 538: return .disable(what + " (check username and password)")
        default: return step == "greeting" || step == "EHLO" || step == "STARTTLS" ? .disable(what) : .reject(what)
        }
    }
}
