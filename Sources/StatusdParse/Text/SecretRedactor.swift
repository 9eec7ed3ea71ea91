/// Replaces every configured secret in a text by `<redacted>`: the one place text passes through
/// before it leaves the process (the daemon's log and journal, `statusd status`, `statusd check`).
///
/// statusd's own messages never quote a secret; the redactor is for everything else that might:
/// an error from a library that prints the URL it failed on, a config value echoed by mistake, a
/// peer's answer quoting what it was sent. It knows every webhook and Alertmanager URL (whole,
/// and the part after the host, where chat services keep their tokens), the credentials in a URL,
/// signing secrets and the metrics listener's password and token, from the config and from the
/// files and variables they name.
public struct SecretRedactor: Sendable, Equatable {
    public static let mark = "<redacted>"
    /// Values shorter than this are not looked for: they would match ordinary words.
    public static let minimumLength = 6

    /// Longest first, so a URL is replaced whole before its path is.
    public private(set) var secrets: [String] = []

    public init(_ values: [String] = []) { add(values) }

    public var isEmpty: Bool { secrets.isEmpty }

    /// Adds secret values; a URL also adds its path and query and the credentials in it.
    public mutating func add(_ values: [String]) {
        var set = Set(secrets)
        for v in values {
            let t = v.trimmingSpaces()
            for piece in [t] + Self.urlParts(t) where piece.utf8.count >= Self.minimumLength { set.insert(piece) }
        }
        secrets = set.sorted { ($0.utf8.count, $0) > ($1.utf8.count, $1) }
    }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text
        for s in secrets where out.contains(s) {
            out = out.replacing(s, with: Self.mark)
        }
        return out
    }

    /// The path and query (`/services/T0/B0/XXXX`), the credentials (`user:pass`) and the password
    /// alone of an http(s) URL; nothing for other text.
    static func urlParts(_ text: String) -> [String] {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return [] }
        let rest = text.drop { $0 != "/" }.dropFirst(2)
        var parts: [String] = []
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") {
            let creds = authority[..<at]
            parts.append(String(creds))
            if let colon = creds.firstIndex(of: ":") { parts.append(String(creds[creds.index(after: colon)...])) }
        }
        let tail = rest.dropFirst(authority.count)
        // A bare `/` or `/api/v2/alerts` is no secret; a path with a token is long.
        if tail.utf8.count >= 12 { parts.append(String(tail)) }
        return parts
    }
}
