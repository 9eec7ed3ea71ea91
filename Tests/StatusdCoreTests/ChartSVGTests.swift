import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("replay --chart: the SVG renderer")
struct ChartSVGTests {
    /// Counts elements by name and checks the document parses as XML.
    final class Census: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var ids: [String] = []
        var texts: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
            if let id = attributes["id"], id.hasPrefix("panel-") { ids.append(id) }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
    }

    func parse(_ svg: String) -> (ok: Bool, census: Census) {
        let census = Census()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = census
        return (parser.parse(), census)
    }

    func points(_ phases: [AlertPhase], from: Int64 = 1_795_160_000, value: (Int) -> Double = { Double($0) / 100 }) -> [ChartTrace.Point] {
        phases.enumerated().map { i, p in ChartTrace.Point(at: from + Int64(i) * 60, value: value(i), limit: 0.05, phase: p) }
    }

    @Test("well-formed XML with one panel per rule, axes and a legend")
    func wellFormed() {
        let phases: [AlertPhase] = Array(repeating: .ok, count: 10) + Array(repeating: .pending, count: 2) + Array(repeating: .firing, count: 8) + Array(repeating: .ok, count: 10)
        let panels = [
            ChartPanel(rule: "server-errors", subtitle: "rate: rate of 5xx over 5m", unit: .share, points: points(phases), stride: 60,
                       marks: [.init(at: 1_795_160_600, kind: .pending, label: "pending"),
                               .init(at: 1_795_160_720, kind: .firing, label: "firing"),
                               .init(at: 1_795_161_200, kind: .resolved, label: "resolved")]),
            ChartPanel(rule: "aborts", subtitle: "count", unit: .count, points: points(Array(repeating: .ok, count: 30)) , stride: 60),
            ChartPanel(rule: "availability", subtitle: "slo", unit: .burn,
                       points: points(phases).map { var p = $0; p.burnRates = [1, 2, 3, 4, 5]; return p }, stride: 60,
                       burnThresholds: [14.4, 6, 1], burnWindows: ["5m", "30m", "1h", "6h", "3d"]),
        ]
        let svg = ChartSVG.render(panels, title: "access.log")
        let (ok, census) = parse(svg)
        #expect(ok)
        #expect(census.ids == ["panel-0", "panel-1", "panel-2"])
        #expect(census.elements["svg"] == 1)
        // Figure and limit per plain panel, five burn lines: 2 + 2 + 5.
        #expect(census.elements["polyline"] == 9)
        let text = census.texts.joined(separator: "|")
        #expect(text.contains("became firing") && text.contains("pending") && text.contains("limit"))
        // Times on the x axis (the first with its date), shares, counts and burn rates on y.
        #expect(text.contains("11-20 ") && text.contains("10%") && text.contains("14.4x"))
        // A pending and a firing period on the shaded panels.
        #expect(svg.contains("<title>pending from ") && svg.contains("<title>firing from "))
    }

    @Test("rule names and titles are escaped")
    func escaping() {
        let name = "a<b>&\"c\"'d'"
        let svg = ChartSVG.render([ChartPanel(rule: name, subtitle: "<x>", unit: .share, points: points([.ok, .firing]))],
                                  title: "log & <files>")
        let (ok, census) = parse(svg)
        #expect(ok)
        #expect(census.texts.joined().contains(name))
        #expect(!svg.contains("a<b>") && svg.contains("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"))
        #expect(ChartSVG.escape("x\u{01}y") == "xy")
    }

    @Test("no rules, or a rule with no points, still gives a document")
    func empty() {
        #expect(parse(ChartSVG.render([], title: "none")).ok)
        let (ok, census) = parse(ChartSVG.render([ChartPanel(rule: "r", subtitle: "s", unit: .share, points: [])], title: "t"))
        #expect(ok && census.ids == ["panel-0"] && census.texts.joined().contains("no evaluated seconds"))
    }

    @Test("panels from a replay: one per rule, in order, with its transitions")
    func fromReplay() {
        var session = ReplaySession(rules: [
            Rule(name: "server-errors", match: set("5xx"), rateAbove: 0.05, window: 60, minRequests: 10),
            Rule(name: "aborts", match: set("aborts"), rateAbove: 0.5, window: 60),
        ], chart: true)
        for s in 0..<600 {
            for k in 0..<10 {
                let code = (200...300).contains(s) && k < 3 ? 502 : 200
                session.add(.entry(status: StatusCode(code)!, time: 1_795_160_000 + Int64(s)))
            }
        }
        session.finish()
        let panels = ChartPanel.panels(trace: session.chart!, rules: session.rules, timeline: session.timeline)
        #expect(panels.map(\.rule) == ["server-errors", "aborts"])
        #expect(panels[0].marks.map(\.kind) == [.firing, .resolved])
        #expect(panels[0].points.contains { $0.phase == .firing })
        #expect(panels[1].marks.isEmpty && !panels[1].points.isEmpty)
        #expect(parse(ChartSVG.render(panels, title: "x")).ok)
    }

    @Test("time ticks fall on round times; value ticks on round figures")
    func axes() {
        let (step, ticks) = ChartAxis.timeTicks(from: 1_795_160_010, to: 1_795_163_600)
        #expect(step == 600 && ticks.first == 1_795_160_400 && ticks.allSatisfy { $0 % 600 == 0 })
        #expect(ChartAxis.timeLabel(1_795_160_400, step: 600, first: false) == "07:40")
        #expect(ChartAxis.valueTicks(max: 0.27) == [0, 0.1, 0.2, 0.30000000000000004])
        #expect(ChartAxis.valueLabel(14.4, unit: .burn) == "14.4x" && ChartAxis.valueLabel(1200, unit: .count) == "1,200")
    }
}
