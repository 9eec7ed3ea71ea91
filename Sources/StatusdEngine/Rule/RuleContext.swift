import StatusdParse
/// What a condition reads besides its window sums: how much history its series holds, the
/// seasonal level to compare with, and the SLO pairs held after a quick all-clear. The monitor
/// fills it in per series and second; a condition read without one (tests, tools) sees a full
/// history, no seasonal level and nothing held.
public struct RuleContext: Sendable, Equatable {
    /// Seconds the series has counted requests for (from its first counted request through the
    /// evaluated second): a long window holding less than its span is not read as if full.
    /// `.max`: as long as any window.
    public var history: Int64
    /// A seasonal baseline's level (`baseline: same_hour_last_week`): the requests and matching
    /// requests of the condition's window one period ago, from hourly buckets pro rata; nil while
    /// the series did not watch those hours (the condition then falls back to its plain baseline
    /// and says so).
    public var seasonal: SeasonalLevel?
    /// How much more history the seasonal baseline needs, for the fallback note (seconds).
    public var seasonalMissing: Int64
    /// SLO pairs (bit `1 << pair index`) held after a quick all-clear: they still breach only
    /// because the incident is inside their windows, so they fire again only with a new breach
    /// of the shortest window.
    public var held: UInt8

    public init(history: Int64 = .max, seasonal: SeasonalLevel? = nil, seasonalMissing: Int64 = 0, held: UInt8 = 0) {
        self.history = history
        self.seasonal = seasonal
        self.seasonalMissing = seasonalMissing
        self.held = held
    }

    /// A full history, nothing seasonal, nothing held.
    public static let plain = RuleContext()
}

/// The baseline a `spike` or `no_traffic ... below` compares with: the stretch just before the
/// window (`baseline: 1h`), or the same hour a day or a week ago (`same_hour_yesterday`,
/// `same_hour_last_week`) for sites whose traffic and error share follow the clock.
public enum SeasonalBaseline: String, Sendable, Equatable, CaseIterable {
    case sameHourYesterday = "same_hour_yesterday"
    case sameHourLastWeek = "same_hour_last_week"

    /// How far back the compared hour is.
    public var offset: Int64 { self == .sameHourYesterday ? 86400 : 7 * 86400 }

    /// The hourly buckets a series keeps for it: the compared hour and the hours since.
    public var span: Int64 { offset + 2 * 3600 }
}

extension SeasonalBaseline {
    /// `in the same hour last week`, for details.
    public var text: String { self == .sameHourYesterday ? "in the same hour yesterday" : "in the same hour last week" }

    /// The status note while it falls back to the plain baseline.
    func fallback(_ plain: Int64, missing: Int64) -> String {
        "\(rawValue) needs \(DurationText.format(max(1, missing))) more history; comparing with the previous \(DurationText.format(plain))"
    }
}

/// Requests and matching requests expected in a window, from hourly buckets (fractions: an hour
/// bucket counts for the part of it the window overlaps).
public struct SeasonalLevel: Sendable, Equatable {
    public var total: Double
    public var matched: Double

    public init(total: Double, matched: Double) {
        self.total = total
        self.matched = matched
    }

    public var rate: Double { total > 0 ? matched / total : 0 }
}
