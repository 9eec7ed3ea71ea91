import StatusdParse
import StatusdEngine
import Yams

extension ConfigLoader {
    /// Reads a rule's condition keys, then builds the condition its defining key names:
    /// `rate_above` (rate), `count_above` (count), `no_traffic` (flatline), `spike`, or
    /// `objective` (SLO burn rates). Keys that belong to another kind are errors that say which
    /// kinds take them. The rate kind is here; the others in `ConfigLoader+Conditions.swift`.
    struct ConditionReader {
        enum Kind: String { case rate, count, noTraffic = "no_traffic", spike, slo }

        /// The keys conditions own, in the order the rule's known-keys message lists them.
        static let keys = ["rate_above", "resolve_below", "guard", "window", "min_requests", "count_above", "no_traffic",
                           "below", "baseline", "spike", "floor", "objective", "period", "all_clear"]
        /// The key that selects each kind.
        static let defining: [(String, Kind)] = [("rate_above", .rate), ("count_above", .count), ("no_traffic", .noTraffic),
                                                  ("spike", .spike), ("objective", .slo)]
        /// Which kinds take each optional key.
        static let takenBy: [String: [Kind]] = [
            "resolve_below": [.rate], "guard": [.rate, .slo], "window": [.rate, .count, .spike],
            "min_requests": [.rate, .noTraffic, .spike, .slo], "below": [.noTraffic], "baseline": [.noTraffic, .spike],
            "floor": [.spike], "period": [.slo], "all_clear": [.slo],
        ]

        var rateAbove: Double?
        var resolveBelow: Double?
        var wilsonGuard = true
        var window: Int64?
        var minRequests: UInt64 = 20
        var countAbove: UInt64?
        var noTraffic: Int64?
        var below: Double?
        var baseline: Int64?
        var spike: Double?
        var floor: Double?
        var objective: Double?
        var period: Int64?
        var seasonal: SeasonalBaseline?
        var allClear: SLOCondition.AllClear = .quick

        /// Reads one of `keys`; `false` when its value is wrong (the reason is in `reader`).
        mutating func read(_ key: String, _ value: Node, _ reader: inout ConfigReader) -> Bool {
            switch key {
            case "rate_above":
                rateAbove = reader.percent(value, "rate_above")
                return rateAbove != nil
            case "resolve_below":
                resolveBelow = reader.percent(value, "resolve_below")
                return resolveBelow != nil
            case "guard":
                guard let g = reader.choice(value, "guard", ["wilson", "none"]) else { return false }
                wilsonGuard = g == "wilson"
                return true
            case "window":
                guard let d = reader.duration(value, "window", within: 10...7 * 86400) else { return false }
                window = d
                return true
            case "min_requests":
                guard let n = reader.integer(value, "min_requests"), n >= 0 else { return false }
                minRequests = UInt64(n)
                return true
            default:
                return readOther(key, value, &reader)
            }
        }

        /// The kind its defining key names; exactly one must be there.
        func kind(_ map: Node.Mapping, _ node: Node, _ reader: inout ConfigReader) -> Kind? {
            let present = Self.defining.filter { map[$0.0] != nil }
            if present.isEmpty {
                reader.fail(node, "a rule needs a condition: `rate_above` (a share of requests, such as 5%), `count_above`, `no_traffic`, `spike` or `objective`")
                return nil
            }
            if present.count > 1 {
                reader.fail(map[present[1].0]!, "a rule has one condition; `\(present[1].0)` cannot go with `\(present[0].0)`")
                return nil
            }
            return present[0].1
        }

        /// After all keys: the keys fit the kind, and its values agree.
        func check(_ kind: Kind, _ map: Node.Mapping, _ node: Node, _ reader: inout ConfigReader) -> Bool {
            var ok = true
            for (key, kinds) in Self.takenBy where !kinds.contains(kind) {
                guard let n = map[key] else { continue }
                reader.fail(n, "`\(key)` does not apply to a \(kind.rawValue) rule (it goes with \(kinds.map(\.rawValue).joined(separator: ", ")))")
                ok = false
            }
            if let r = rateAbove, let b = resolveBelow, b > r, let n = map["resolve_below"] {
                reader.fail(n, "`resolve_below` (\(Percent.format(b))) must not be above `rate_above` (\(Percent.format(r)))")
                ok = false
            }
            return ok && checkOther(kind, map, node, &reader)
        }

        func condition(_ kind: Kind) -> RuleCondition? {
            switch kind {
            case .rate:
                guard let rateAbove else { return nil }
                return .rate(RateCondition(limit: rateAbove, resolveBelow: resolveBelow, window: window ?? 300,
                                           minRequests: minRequests, wilsonGuard: wilsonGuard))
            default:
                return otherCondition(kind)
            }
        }
    }
}
