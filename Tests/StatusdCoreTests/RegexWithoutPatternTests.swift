import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// `format: regex` with no usable pattern never reads lines as another format would.
@Suite("regex without a pattern")
struct RegexWithoutPatternTests {
    @Test("makeParser(.regex) without a pattern, or with a broken one, reads every line as unparsed")
    func unparsed() {
        let combined = #"1.2.3.4 - - [20/Nov/2026:10:00:01 +0000] "GET /x HTTP/1.1" 502 5 "-" "ua""#
        for options in [FormatOptions(), FormatOptions(pattern: "(?<status>[0-9]{3}")] {
            var parser = LogFormat.regex.makeParser(options)
            #expect(parser.parse(combined) == .unparsed)
            #expect(parser.parse("status=502") == .unparsed)
        }
    }
}
