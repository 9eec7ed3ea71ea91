import StatusdParse
import StatusdEngine
/// `statusd replay --chart OUT.svg`: each rule's figure over time against its limit, one panel per
/// rule, pending and firing periods shaded, transitions marked, with time and value axes and a
/// legend. A self-contained SVG (no script, no external font or stylesheet) so any browser shows it:
/// people tune limits by looking, and a chart needs no other tool to be looked at.
public enum ChartSVG {
    static let width = 1160.0
    static let headerHeight = 78.0
    static let panelHeight = 260.0
    static let plotLeft = 80.0
    static let plotRight = width - 40
    static let plotTop = 40.0       // within a panel
    static let plotHeight = 180.0

    static let figureColor = "#1f77b4"
    static let limitColor = "#d62728"
    static let burnColors = ["#1f77b4", "#9467bd", "#17becf", "#8c564b", "#e377c2"]
    static func color(_ kind: AlertTransitionKind) -> String {
        switch kind {
        case .pending: return "#e08a00"
        case .firing: return "#d62728"
        case .resolved: return "#2ca02c"
        case .cleared: return "#7f7f7f"
        }
    }

    /// The whole document. `title` is shown at the top (the files replayed).
    public static func render(_ panels: [ChartPanel], title: String) -> String {
        let times = panels.flatMap { p in p.points.map(\.at) + p.points.map { $0.at + p.stride } + p.marks.map(\.at) }
        let from = times.min() ?? 0
        let to = max(from + 1, times.max() ?? 1)
        let height = headerHeight + Double(max(1, panels.count)) * panelHeight
        var out = SVGWriter()
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"12\">")
        out.line("<title>\(escape("statusd replay: " + title))</title>")
        out.line("<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>")
        header(&out, title: title, from: from, to: to)
        if panels.isEmpty {
            out.line("<text x=\"\(n(plotLeft))\" y=\"\(n(headerHeight + 40))\" fill=\"#555555\">no rules to draw</text>")
        }
        for (i, p) in panels.enumerated() {
            panel(&out, p, top: headerHeight + Double(i) * panelHeight, from: from, to: to, index: i)
        }
        out.line("</svg>")
        return out.text
    }

    private static func header(_ out: inout SVGWriter, title: String, from: Int64, to: Int64) {
        out.line("<text x=\"20\" y=\"26\" font-size=\"17\" font-weight=\"bold\" fill=\"#222222\">\(escape("statusd replay: " + title))</text>")
        out.line("<text x=\"20\" y=\"46\" fill=\"#555555\">\(escape("\(CivilTime.iso8601(from)) to \(CivilTime.iso8601(to)), times in UTC"))</text>")
        // Legend.
        var x = 20.0
        let y = 66.0
        func item(_ swatch: String, _ label: String, _ w: Double) {
            out.line(swatch)
            out.line("<text x=\"\(n(x + 26))\" y=\"\(n(y + 4))\" fill=\"#333333\">\(escape(label))</text>")
            x += w
        }
        item("<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 20))\" y2=\"\(n(y))\" stroke=\"\(figureColor)\" stroke-width=\"2\"/>", "figure", 90)
        item("<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 20))\" y2=\"\(n(y))\" stroke=\"\(limitColor)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>", "limit", 80)
        item("<rect x=\"\(n(x))\" y=\"\(n(y - 7))\" width=\"20\" height=\"14\" fill=\"\(color(.pending))\" fill-opacity=\"0.22\"/>", "pending", 95)
        item("<rect x=\"\(n(x))\" y=\"\(n(y - 7))\" width=\"20\" height=\"14\" fill=\"\(color(.firing))\" fill-opacity=\"0.22\"/>", "firing", 90)
        for kind in [AlertTransitionKind.pending, .firing, .resolved, .cleared] {
            item("<line x1=\"\(n(x + 10))\" y1=\"\(n(y - 8))\" x2=\"\(n(x + 10))\" y2=\"\(n(y + 8))\" stroke=\"\(color(kind))\" stroke-width=\"2\"/>",
                 "became \(kind.rawValue)", 150)
        }
    }

    private static func panel(_ out: inout SVGWriter, _ p: ChartPanel, top: Double, from: Int64, to: Int64, index: Int) {
        let plotY = top + plotTop
        let plotW = plotRight - plotLeft
        func x(_ t: Int64) -> Double { plotLeft + plotW * Double(t - from) / Double(to - from) }
        let burn = p.unit == .burn
        let values = burn ? p.points.flatMap { $0.burnRates ?? [] } : p.points.map(\.value)
        let limits = burn ? p.burnThresholds : p.points.map(\.limit)
        let limitTop = limits.max() ?? 0
        var peak = max(values.max() ?? 0, limitTop)
        // Burn rates of a full outage run to hundreds: keep the thresholds readable, clip above.
        if burn, limitTop > 0 { peak = min(peak, limitTop * 4) }
        let ticks = ChartAxis.valueTicks(max: peak * 1.05)
        let yMax = ticks.last ?? 1
        func y(_ v: Double) -> Double { plotY + plotHeight - plotHeight * min(max(v, 0), yMax * 1.02) / yMax }

        out.line("<g id=\"panel-\(index)\">")
        out.line("<text x=\"20\" y=\"\(n(top + 22))\" font-size=\"15\" font-weight=\"bold\" fill=\"#222222\">\(escape(p.rule))</text>")
        out.line("<text x=\"\(n(28 + 9.5 * Double(p.rule.count)))\" y=\"\(n(top + 22))\" fill=\"#555555\">\(escape(p.subtitle))</text>")
        let clip = "clip-\(index)"
        out.line("<clipPath id=\"\(clip)\"><rect x=\"\(n(plotLeft))\" y=\"\(n(plotY))\" width=\"\(n(plotW))\" height=\"\(n(plotHeight))\"/></clipPath>")
        out.line("<rect x=\"\(n(plotLeft))\" y=\"\(n(plotY))\" width=\"\(n(plotW))\" height=\"\(n(plotHeight))\" fill=\"#fbfbfb\" stroke=\"#bbbbbb\"/>")

        // Pending and firing periods.
        var i = 0
        while i < p.points.count {
            let phase = p.points[i].phase
            var j = i
            while j + 1 < p.points.count, p.points[j + 1].phase == phase, p.points[j + 1].at - p.points[j].at <= p.stride * 2 { j += 1 }
            if phase != .ok {
                let x0 = x(p.points[i].at), x1 = x(p.points[j].at + p.stride)
                let kind: AlertTransitionKind = phase == .firing ? .firing : .pending
                out.line("<rect x=\"\(n(x0))\" y=\"\(n(plotY))\" width=\"\(n(max(1, x1 - x0)))\" height=\"\(n(plotHeight))\" fill=\"\(color(kind))\" fill-opacity=\"0.22\"><title>\(escape("\(phase.rawValue) from \(CivilTime.iso8601(p.points[i].at)) to \(CivilTime.iso8601(p.points[j].at + p.stride))"))</title></rect>")
            }
            i = j + 1
        }

        // Value grid and labels.
        for v in ticks {
            let yy = y(v)
            out.line("<line x1=\"\(n(plotLeft))\" y1=\"\(n(yy))\" x2=\"\(n(plotRight))\" y2=\"\(n(yy))\" stroke=\"#e3e3e3\"/>")
            out.line("<text x=\"\(n(plotLeft - 6))\" y=\"\(n(yy + 4))\" text-anchor=\"end\" fill=\"#444444\">\(escape(ChartAxis.valueLabel(v, unit: p.unit)))</text>")
        }
        // Time axis.
        let (step, times) = ChartAxis.timeTicks(from: from, to: to)
        for (k, t) in times.enumerated() {
            let xx = x(t)
            out.line("<line x1=\"\(n(xx))\" y1=\"\(n(plotY + plotHeight))\" x2=\"\(n(xx))\" y2=\"\(n(plotY + plotHeight + 5))\" stroke=\"#666666\"/>")
            out.line("<text x=\"\(n(xx))\" y=\"\(n(plotY + plotHeight + 18))\" text-anchor=\"middle\" fill=\"#444444\">\(escape(ChartAxis.timeLabel(t, step: step, first: k == 0)))</text>")
        }

        out.line("<g clip-path=\"url(#\(clip))\">")
        // Limits.
        if burn {
            for th in p.burnThresholds {
                out.line("<line x1=\"\(n(plotLeft))\" y1=\"\(n(y(th)))\" x2=\"\(n(plotRight))\" y2=\"\(n(y(th)))\" stroke=\"\(limitColor)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"><title>\(escape("burn threshold \(ChartAxis.valueLabel(th, unit: .burn))"))</title></line>")
            }
        } else if !p.points.isEmpty {
            out.line("<polyline fill=\"none\" stroke=\"\(limitColor)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\" points=\"\(stepLine(p.points.map { (x($0.at), y($0.limit)) }, end: x(p.points.last!.at + p.stride)))\"/>")
        }
        // The figure (or each burn window's rate).
        if burn {
            for w in 0..<p.burnWindows.count {
                let pts = p.points.compactMap { pt in pt.burnRates.flatMap { w < $0.count ? (x(pt.at), y($0[w])) : nil } }
                guard !pts.isEmpty else { continue }
                out.line("<polyline fill=\"none\" stroke=\"\(burnColors[w % burnColors.count])\" stroke-width=\"1.6\" points=\"\(line(pts))\"/>")
            }
        } else if !p.points.isEmpty {
            out.line("<polyline fill=\"none\" stroke=\"\(figureColor)\" stroke-width=\"1.8\" stroke-linejoin=\"round\" points=\"\(line(p.points.map { (x($0.at), y($0.value)) }))\"/>")
        }
        // Transitions.
        var lastLabel = -Double.infinity
        for m in p.marks {
            let xx = x(m.at)
            out.line("<line x1=\"\(n(xx))\" y1=\"\(n(plotY))\" x2=\"\(n(xx))\" y2=\"\(n(plotY + plotHeight))\" stroke=\"\(color(m.kind))\" stroke-width=\"2\"><title>\(escape("\(m.label) at \(CivilTime.iso8601(m.at))"))</title></line>")
            if xx - lastLabel > 70 {
                out.line("<text x=\"\(n(xx + 3))\" y=\"\(n(plotY + 12))\" fill=\"\(color(m.kind))\" font-size=\"11\">\(escape(m.label))</text>")
                lastLabel = xx
            }
        }
        out.line("</g>")

        // Limit labels on the right, and the burn windows' legend.
        if burn {
            for th in p.burnThresholds {
                out.line("<text x=\"\(n(plotRight + 4))\" y=\"\(n(y(th) + 4))\" fill=\"\(limitColor)\" font-size=\"10\">\(escape(ChartAxis.valueLabel(th, unit: .burn)))</text>")
            }
            var lx = plotRight - Double(p.burnWindows.count) * 70
            for (w, name) in p.burnWindows.enumerated() {
                let c = burnColors[w % burnColors.count]
                out.line("<line x1=\"\(n(lx))\" y1=\"\(n(top + 18))\" x2=\"\(n(lx + 18))\" y2=\"\(n(top + 18))\" stroke=\"\(c)\" stroke-width=\"2\"/>")
                out.line("<text x=\"\(n(lx + 22))\" y=\"\(n(top + 22))\" fill=\"#333333\">\(escape(name))</text>")
                lx += 70
            }
        } else if let last = p.points.last {
            out.line("<text x=\"\(n(plotRight + 4))\" y=\"\(n(y(last.limit) + 4))\" fill=\"\(limitColor)\" font-size=\"10\">limit</text>")
        }
        if p.points.isEmpty {
            out.line("<text x=\"\(n(plotLeft + plotW / 2))\" y=\"\(n(plotY + plotHeight / 2))\" text-anchor=\"middle\" fill=\"#888888\">no evaluated seconds</text>")
        }
        out.line("</g>")
    }

    /// `x,y x,y ...`
    static func line(_ pts: [(Double, Double)]) -> String {
        pts.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    }

    /// A line that holds each value until the next point (a limit is a level, not a slope).
    static func stepLine(_ pts: [(Double, Double)], end: Double) -> String {
        var out: [String] = []
        for (k, p) in pts.enumerated() {
            out.append("\(n(p.0)),\(n(p.1))")
            let next = k + 1 < pts.count ? pts[k + 1].0 : end
            out.append("\(n(next)),\(n(p.1))")
        }
        return out.joined(separator: " ")
    }

    /// A coordinate with one decimal.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Text and attribute values: `&`, `<`, `>`, quotes; control characters XML forbids are dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// Lines of the document, joined once.
struct SVGWriter {
    private var lines: [String] = []
    mutating func line(_ s: String) { lines.append(s) }
    var text: String { lines.joined(separator: "\n") + "\n" }
}
