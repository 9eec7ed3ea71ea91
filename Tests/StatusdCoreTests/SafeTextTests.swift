import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("terminal-safe text and the secret redactor")
struct SafeTextTests {
    @Test("controls, DEL, C1 and bidi overrides are shown escaped, never raw")
    func escapes() {
        let hostile = "a\u{1B}]0;pwned\u{07}b\rc\nd\u{7F}e\u{9B}f\u{202E}g\u{2066}h\ti"
        let out = SafeText.field(hostile)
        #expect(out == "a\\x1b]0;pwned\\x07b\\x0dc\\x0ad\\x7fe\\x9bf\\u{202E}g\\u{2066}h\\x09i")
        #expect(!out.unicodeScalars.contains { SafeText.needsEscape($0) })
    }

    @Test("plain text and non-Latin letters pass unchanged")
    func plain() {
        for s in ["deploy of checkout, ticket #42", "Wartung – Müller", "発表", "/var/log/nginx/access.log"] {
            #expect(SafeText.field(s) == s)
        }
    }

    @Test("lines keeps newlines, escapes the rest; json keeps JSON valid")
    func linesAndJSON() {
        #expect(SafeText.lines("a\nb\u{1B}[2J") == "a\nb\\x1b[2J")
        #expect(SafeText.json("{\"r\": \"x\u{202E}y\u{85}\"}\n") == "{\"r\": \"x\\u202ey\\u0085\"}\n")
    }

    @Test("the redactor replaces a URL whole, its path, its credentials and secrets")
    func redactor() {
        let r = SecretRedactor(["https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://am:hunter2pw@am.example:9093/",
                                "0123456789abcdef-signing", "abc"])
        #expect(r.redact("POST https://hooks.slack.com/services/T000/B000/XXXXSECRET failed") == "POST <redacted> failed")
        #expect(r.redact("GET /services/T000/B000/XXXXSECRET: 404") == "GET <redacted>: 404")
        #expect(r.redact("auth am:hunter2pw refused; hunter2pw") == "auth <redacted> refused; <redacted>")
        #expect(r.redact("key 0123456789abcdef-signing") == "key <redacted>")
        // Too short to look for: it would match ordinary words.
        #expect(r.redact("abc") == "abc")
    }
}
