import StatusdParse
/// Tick positions and labels for the chart's axes: round times (UTC) along x, round figures along y.
///
/// A person reads a chart by its ticks, so they fall on whole minutes, hours or days, and on 1, 2
/// or 5 times a power of ten.
public enum ChartAxis {
    /// Tick times between `from` and `to`, at most about `maxTicks`, on a round step.
    public static func timeTicks(from: Int64, to: Int64, maxTicks: Int = 8) -> (step: Int64, ticks: [Int64]) {
        let span = max(1, to - from)
        let steps: [Int64] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                              86400, 172_800, 604_800, 2_592_000]
        let step = steps.first { span / $0 <= Int64(maxTicks) } ?? steps.last!
        var t = (from + step - 1) / step * step
        var ticks: [Int64] = []
        while t <= to {
            ticks.append(t)
            t += step
        }
        return (step, ticks)
    }

    /// `14:05`, `14:05:30` under a minute, `11-20` for day steps, with the date on a tick that
    /// starts a day (`11-20 00:00`).
    public static func timeLabel(_ t: Int64, step: Int64, first: Bool) -> String {
        let iso = CivilTime.iso8601(t)  // 2026-11-20T14:05:30Z
        let chars = Array(iso)
        let date = String(chars[5..<10])
        let hm = String(chars[11..<16])
        if step >= 86400 { return date }
        let clock = step < 60 ? String(chars[11..<19]) : hm
        return first || t % 86400 == 0 ? "\(date) \(clock)" : clock
    }

    /// Round ticks from 0 to at least `max` (about 4 steps).
    public static func valueTicks(max: Double) -> [Double] {
        let top = max > 0 && max.isFinite ? max : 1
        let raw = top / 4
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var v = 0.0
        while v < top + step * 0.999 {
            ticks.append(v)
            v += step
        }
        return ticks
    }

    /// A figure as its axis shows it: `5%`, `1,200`, `14.4x`.
    public static func valueLabel(_ v: Double, unit: ChartPanel.Unit) -> String {
        switch unit {
        case .share: return Percent.format(v)
        case .count: return Count.format(UInt64(Swift.max(0, v).rounded()))
        case .burn: return Percent.trim(v, decimals: 1) + "x"
        }
    }
}
