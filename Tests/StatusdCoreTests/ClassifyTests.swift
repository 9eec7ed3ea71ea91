import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("status classes and sets")
struct ClassifyTests {
    @Test func classes() {
        let s = set("5xx")
        #expect(s.contains(StatusCode(500)!) && s.contains(StatusCode(599)!))
        #expect(!s.contains(StatusCode(499)!) && !s.contains(StatusCode(600)!))
    }

    @Test("52x is 520 to 530; aborts are 000, 499 and 460")
    func cdnAndAborts() {
        let cf = set("52x")
        #expect(cf.codes.map(\.rawValue) == Array(520...530))
        let aborts = set("aborts")
        #expect(aborts.codes.map(\.rawValue) == [0, 460, 499])
    }

    @Test func listsAndBadTerms() {
        let s = set("502", "503", "000")
        #expect(s.codes.map(\.rawValue) == [0, 502, 503])
        #expect(s.description == "502,503,000")
        if case .success = StatusSet.parse(["6xx"]) { Issue.record("6xx is no class") }
        if case .success = StatusSet.parse(["1000"]) { Issue.record("1000 is no code") }
        if case .success = StatusSet.parse(["abc"]) { Issue.record("abc is no code") }
    }

    @Test("the status JSON views: 52x inside 5xx, 499 inside 4xx, 000 in other")
    func classView() {
        var c = StatusCounts()
        for (code, n) in [(200, 10), (502, 3), (522, 2), (499, 4), (0, 1), (460, 1), (404, 5)] {
            c.add(StatusCode(code)!, count: UInt64(n))
        }
        c.unparsed = 7
        let v = c.classView
        #expect(v.c2xx == 10 && v.c4xx == 10 && v.c5xx == 5)
        #expect(v.c52x == 2 && v.aborts == 6 && v.other == 1 && v.unparsed == 7)
        #expect(c.requests == 26 && c.lines == 33)
    }

    @Test("every code has an explanation; product codes name their writer")
    func catalog() {
        #expect(StatusCatalog.explain(StatusCode(499)!).writtenBy == "nginx")
        #expect(StatusCatalog.explain(StatusCode(522)!).writtenBy == "Cloudflare")
        #expect(StatusCatalog.explain(StatusCode(460)!).writtenBy == "AWS ALB")
        #expect(StatusCatalog.explain(StatusCode(0)!).meaning.contains("hung up"))
        #expect(StatusCatalog.explain(StatusCode(418)!).name == "I'm a teapot")
        #expect(StatusCatalog.explain(StatusCode(477)!).name == "client error")
    }
}
