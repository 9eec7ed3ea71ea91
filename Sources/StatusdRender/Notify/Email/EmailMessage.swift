import StatusdParse
import StatusdEngine
/// An alert as an RFC 5322 mail: a `text/plain` part and a `text/html` part (both UTF-8,
/// base64 so no line is too long and no content can end the message early), `Message-ID` from
/// the alert id and the notification's sequence, and for every later notification of an episode
/// (the resolved notice, a reminder) `In-Reply-To` and `References` naming the firing mail, so
/// mail clients thread them together.
///
/// Headers are built from statusd's own words and cleaned untrusted text: CR, LF and every other
/// control character are removed before a value is written, non-ASCII is RFC 2047-encoded, and
/// no header line exceeds 998 bytes, so no value can start a header or the body.
public enum EmailMessage {
    public struct Envelope: Sendable, Equatable {
        public var from: String
        public var to: [String]
        public init(from: String, to: [String]) {
            self.from = from
            self.to = to
        }
    }

    /// The most bytes of any one piece of text in the mail.
    public static let pieceLimit = 16_000

    /// `<statusd.server-errors%40179516.1@example.org>`: the alert id's characters outside
    /// `[A-Za-z0-9_-]` as `%XX`, then the sequence, at the `from` address's domain.
    public static func messageID(_ id: String, sequence: Int?, domain: String) -> String {
        var enc = ""
        for b in id.utf8 {
            let keep = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
            if keep { enc.unicodeScalars.append(Unicode.Scalar(b)) } else { enc += "%" + hex2(b) }
        }
        let seq = sequence.map { ".\($0)" } ?? ""
        return "<statusd." + ServiceRequests.bounded(enc, 200).replacingAll("#", "%23") + seq + "@" + domain + ">"
    }

    /// The domain of an address (`alerts@example.org`: `example.org`).
    public static func domain(of address: String) -> String {
        address.split(separator: "@").last.map(String.init) ?? "localhost"
    }

    /// The mail for one alert notification.
    public static func render(_ t: AlertTransition, host: String, link: LinkTemplate?, envelope: Envelope, date: Int64) -> [UInt8] {
        let c = ChatContent(t, host: host, link: link)
        let domain = domain(of: envelope.from)
        let id = t.alertID ?? "\(t.rule)@\(t.at)"
        let thread = (t.sequence ?? 1) > 1 ? messageID(id, sequence: 1, domain: domain) : nil
        return render(c, messageID: messageID(id, sequence: t.sequence, domain: domain), inReplyTo: thread, envelope: envelope, date: date)
    }

    /// `content` as a mail (digests and `statusd test-sink` too).
    public static func render(_ c: ChatContent, messageID: String, inReplyTo: String?, envelope: Envelope, date: Int64) -> [UInt8] {
        let boundary = "=_statusd_" + String(ServiceRequests.hash(messageID), radix: 16)
        var h: [(String, String)] = [
            ("From", "statusd <\(envelope.from)>"),
            ("To", envelope.to.joined(separator: ", ")),
            ("Subject", encodedWords("[statusd] " + Trim.utf16(c.headline.plain, 200))),
            ("Date", rfc5322Date(date)),
            ("Message-ID", messageID),
        ]
        if let parent = inReplyTo { h += [("In-Reply-To", parent), ("References", parent)] }
        h += [
            ("Auto-Submitted", "auto-generated"),
            ("X-Statusd-Idempotency-Key", headerSafe(c.idempotencyKey ?? "")),
            ("MIME-Version", "1.0"),
            ("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""),
        ]
        var out = ""
        for (name, value) in h { out += name + ": " + fold(headerSafe(value), used: name.count + 2) + "\r\n" }
        out += "\r\nThis is a MIME message: a plain text and an HTML version of the same alert.\r\n"
        let plain = ServiceText.plain(c, cut: pieceLimit) + "\n"
        let html = "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n<p>"
            + ServiceText.html(c, newline: "<br>\n", cut: pieceLimit) + "</p>\n</body></html>\n"
        for (type, text) in [("text/plain", plain), ("text/html", html)] {
            out += "--" + boundary + "\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            out += wrapped(Base64.encode(Array(text.utf8)))
        }
        out += "--" + boundary + "--\r\n"
        return Array(out.utf8)
    }

    /// Base64 in lines of 76 characters, each ending in CRLF.
    static func wrapped(_ b64: String) -> String {
        var out = ""
        var n = 0
        for c in b64 {
            out.append(c)
            n += 1
            if n == 76 { out += "\r\n"; n = 0 }
        }
        if n > 0 { out += "\r\n" }
        return out
    }

    /// A header value without CR, LF or any other control character (each becomes a space).
    public static func headerSafe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// Printable ASCII as it is; anything else as RFC 2047 `=?UTF-8?B?...?=` words of whole
    /// characters (at most 45 bytes each), separated by spaces (`fold` breaks lines there).
    public static func encodedWords(_ s: String) -> String {
        let clean = headerSafe(s)
        if clean.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !clean.contains("=?") { return clean }
        var words: [String] = []
        var chunk: [UInt8] = []
        for c in clean {
            let bytes = Array(c.utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=") }
        return words.joined(separator: " ")
    }

    /// Folds a header value at spaces so no line passes 78 characters where it can (998 always:
    /// a longer run without a space is cut).
    static func fold(_ value: String, used: Int) -> String {
        var out = ""
        var line = used
        for (i, word) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            let w = String(word.prefix(900))
            if i > 0 {
                if line + 1 + w.utf8.count > 78 { out += "\r\n "; line = 1 } else { out += " "; line += 1 }
            }
            out += w
            line += w.utf8.count
        }
        return out
    }

    /// `Mon, 07 Dec 2026 18:08:23 +0000`
    public static func rfc5322Date(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secs = Int(seconds - days * 86400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let wd = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(wd), \(pad(d)) \(months[m - 1]) \(y) \(pad(secs / 3600)):\(pad(secs / 60 % 60)):\(pad(secs % 60)) +0000"
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
