import StatusdParse
import StatusdEngine
import Yams

/// The condition kinds besides the rate: counts, flatlines, spikes and SLO burn rates.
extension ConfigLoader.ConditionReader {
    mutating func readOther(_ key: String, _ value: Node, _ reader: inout ConfigReader) -> Bool {
        switch key {
        case "count_above":
            guard let n = reader.integer(value, "count_above") else { return false }
            countAbove = UInt64(n)
            return true
        case "no_traffic":
            guard let d = reader.duration(value, "no_traffic", within: 10...86400) else { return false }
            noTraffic = d
            return true
        case "below":
            below = reader.percent(value, "below")
            return below != nil
        case "baseline":
            if let text = value.string, let season = SeasonalBaseline(rawValue: text.trimmingSpaces()) {
                seasonal = season
                return true
            }
            if let text = value.string, text.hasPrefix("same_") {
                reader.fail(value, "`baseline` takes a duration (1h) or \(SeasonalBaseline.allCases.map(\.rawValue).joined(separator: ", ")), not `\(text)`")
                return false
            }
            guard let d = reader.duration(value, "baseline", within: 60...7 * 86400) else { return false }
            baseline = d
            return true
        case "all_clear":
            guard let a = reader.choice(value, "all_clear", SLOCondition.AllClear.allCases.map(\.rawValue)) else { return false }
            allClear = SLOCondition.AllClear(rawValue: a)!
            return true
        case "spike":
            guard let s = reader.scalar(value, "spike") else { return false }
            var text = s.trimmingSpaces()
            if text.hasSuffix("x") { text.removeLast() }
            guard let f = Double(text), f > 1, f <= 1000 else {
                reader.fail(value, "`spike` must be a factor above 1 such as 3 or 5x, not `\(s)`")
                return false
            }
            spike = f
            return true
        case "floor":
            floor = reader.percent(value, "floor")
            return floor != nil
        case "objective":
            guard let o = reader.percent(value, "objective") else { return false }
            if o <= 0 || o >= 1 {
                reader.fail(value, "`objective` must be above 0% and below 100%, such as 99.9%")
                return false
            }
            objective = o
            return true
        case "period":
            guard let d = reader.duration(value, "period", within: 86400...90 * 86400) else { return false }
            period = d
            return true
        default:
            return false
        }
    }

    func checkOther(_ kind: Kind, _ map: Node.Mapping, _ node: Node, _ reader: inout ConfigReader) -> Bool {
        switch kind {
        case .noTraffic:
            if seasonal != nil, below == nil, let n = map["baseline"] {
                reader.fail(n, "a seasonal `baseline` needs `below` (a share of the usual level, such as 10%)")
                return false
            }
        case .spike:
            let w = window ?? 300, b = baseline ?? 3600
            if seasonal == nil, b <= w, let n = map["baseline"] {
                reader.fail(n, "`baseline` (\(DurationText.format(b))) must be longer than `window` (\(DurationText.format(w)))")
                return false
            }
        default:
            break
        }
        return true
    }

    func otherCondition(_ kind: Kind) -> RuleCondition? {
        switch kind {
        case .rate: return nil
        case .count:
            guard let countAbove else { return nil }
            return .count(CountCondition(limit: countAbove, window: window ?? 60))
        case .noTraffic:
            guard let noTraffic else { return nil }
            return .noTraffic(NoTrafficCondition(window: noTraffic, below: below, baseline: baseline ?? 3600, minRequests: minRequests,
                                                 seasonal: seasonal))
        case .spike:
            guard let spike else { return nil }
            return .spike(SpikeCondition(factor: spike, window: window ?? 300, baseline: baseline ?? 3600, floor: floor ?? 0.01,
                                         minRequests: minRequests, seasonal: seasonal))
        case .slo:
            guard let objective else { return nil }
            return .slo(SLOCondition(objective: objective, period: period ?? 30 * 86400, minRequests: minRequests, wilsonGuard: wilsonGuard,
                                     allClear: allClear))
        }
    }
}
