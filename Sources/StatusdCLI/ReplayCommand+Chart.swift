import ArgumentParser
import Foundation
import StatusdCore
import StatusdFiles

extension Replay {
    /// `--chart OUT.svg`: one panel per rule from the session's trace, written whole (a partial
    /// SVG is worse than none); a note on stderr says where it went.
    func writeChart(_ session: ReplaySession) throws {
        guard let chart, let trace = session.chart else { return }
        let panels = ChartPanel.panels(trace: trace, rules: session.rules, timeline: session.timeline)
        let title = files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        let svg = ChartSVG.render(panels, title: title)
        do {
            try Data(svg.utf8).write(to: URL(fileURLWithPath: chart), options: .atomic)
        } catch {
            StandardError.write("statusd replay: cannot write the chart to \(chart): \(error)\n")
            throw ExitCode(1)
        }
        StandardError.write("statusd replay: chart of \(panels.count) rules written to \(chart)\n")
    }
}
