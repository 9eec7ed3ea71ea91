import StatusdParse
import StatusdEngine
/// What one panel of `statusd replay --chart` draws for one rule: its points, its limits, and the
/// transitions to mark. Built from the replay's trace and timeline, so the renderer stays a pure
/// function of plain values (and is tested without a replay).
public struct ChartPanel: Sendable, Equatable {
    /// How the figure reads: a share (`rate`, `spike`), a count, or SLO burn rates.
    public enum Unit: Sendable, Equatable {
        case share, count, burn
    }

    /// One transition to mark: when and what (`pending`, `firing`, `resolved`, `cleared`).
    public struct Mark: Sendable, Equatable {
        public var at: Int64
        public var kind: AlertTransitionKind
        public var label: String

        public init(at: Int64, kind: AlertTransitionKind, label: String) {
            self.at = at
            self.kind = kind
            self.label = label
        }
    }

    public var rule: String
    /// `rate of 5xx over 5m`: what the figure is.
    public var subtitle: String
    public var unit: Unit
    public var points: [ChartTrace.Point]
    /// Seconds each point stands for.
    public var stride: Int64
    /// For SLO rules, the burn thresholds drawn as limits (14.4x, 6x, 1x) and the burn windows' names.
    public var burnThresholds: [Double]
    public var burnWindows: [String]
    public var marks: [Mark]

    public init(rule: String, subtitle: String, unit: Unit, points: [ChartTrace.Point], stride: Int64 = 1,
                burnThresholds: [Double] = [], burnWindows: [String] = [], marks: [Mark] = []) {
        self.rule = rule
        self.subtitle = subtitle
        self.unit = unit
        self.points = points
        self.stride = max(1, stride)
        self.burnThresholds = burnThresholds
        self.burnWindows = burnWindows
        self.marks = marks
    }

    /// One panel per rule, in the rules' order, from a replay's trace and timeline.
    public static func panels(trace: ChartTrace, rules: [Rule], timeline: [AlertTransition]) -> [ChartPanel] {
        rules.map { rule in
            var unit = Unit.share
            var thresholds: [Double] = []
            var windows: [String] = []
            var what = "rate of \(rule.match.description) over \(DurationText.format(rule.window))"
            switch rule.condition {
            case .rate, .spike: break
            case .count, .noTraffic:
                unit = .count
                what = "\(rule.match.description) requests over \(DurationText.format(rule.window))"
            case .slo(let slo):
                unit = .burn
                thresholds = Array(Set(SLOCondition.pairs.map { slo.threshold($0) })).sorted(by: >)
                windows = SLOCondition.burnWindows.map(DurationText.format)
                what = "burn rates of \(rule.match.description) against \(Percent.format(slo.objective)) over \(DurationText.format(slo.period))"
            }
            let marks = timeline.filter { $0.rule == rule.name }.map { t in
                Mark(at: t.at, kind: t.kind, label: AlertKey.name(rule: t.kind.rawValue, group: t.group, track: t.track))
            }
            return ChartPanel(rule: rule.name, subtitle: "\(rule.condition.kind): \(what)", unit: unit,
                              points: trace.rules[rule.name] ?? [], stride: trace.stride[rule.name] ?? 1,
                              burnThresholds: thresholds, burnWindows: windows, marks: marks)
        }
    }
}
