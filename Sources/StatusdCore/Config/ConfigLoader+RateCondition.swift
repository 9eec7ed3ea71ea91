import Yams

extension ConfigLoader {
    /// Reads a rule's rate condition: `rate_above`, `resolve_below`, `window`, `min_requests`.
    ///
    /// Kept apart from the shared rule fields (`ConfigLoader+Rules.swift`) so that each condition
    /// kind is one reader: it takes its own keys, checks what it needs once all keys are read, and
    /// builds the `Rule` from the shared fields plus its own.
    struct RateConditionReader {
        /// The keys this condition owns, in the order the rule's known-keys message lists them.
        static let keys = ["rate_above", "resolve_below", "window", "min_requests"]

        var rateAbove: Double?
        var resolveBelow: Double?
        var window: Int64 = 300
        var minRequests: UInt64 = 20

        /// Reads one of `keys`; `false` when its value is wrong (the reason is in `reader`).
        mutating func read(_ key: String, _ value: Node, _ reader: inout ConfigReader) -> Bool {
            switch key {
            case "rate_above":
                rateAbove = reader.percent(value, "rate_above")
                return rateAbove != nil
            case "resolve_below":
                resolveBelow = reader.percent(value, "resolve_below")
                return resolveBelow != nil
            case "window":
                guard let d = reader.duration(value, "window") else { return false }
                if d < 10 || d > 7 * 86400 {
                    reader.fail(value, "`window` must be between 10s and 7d, not \(DurationText.format(d))")
                    return false
                }
                window = d
                return true
            case "min_requests":
                guard let n = reader.integer(value, "min_requests"), n >= 0 else { return false }
                minRequests = UInt64(n)
                return true
            default:
                return false
            }
        }

        /// After all keys: `rate_above` is there and `resolve_below` is not above it.
        func check(_ map: Node.Mapping, _ node: Node, _ reader: inout ConfigReader) -> Bool {
            var ok = true
            if map["rate_above"] == nil { reader.fail(node, "a rule needs `rate_above` (a share of requests, such as 5%)"); ok = false }
            if let r = rateAbove, let b = resolveBelow, b > r, let n = map["resolve_below"] {
                reader.fail(n, "`resolve_below` (\(Percent.format(b))) must not be above `rate_above` (\(Percent.format(r)))")
                ok = false
            }
            return ok
        }

        func rule(_ fields: RuleFields) -> Rule? {
            guard let rateAbove else { return nil }
            return Rule(
                name: fields.name, match: fields.match, rateAbove: rateAbove, resolveBelow: resolveBelow, window: window,
                minRequests: minRequests, forSeconds: fields.forSeconds, resolveFor: fields.resolveFor,
                severity: fields.severity, inputs: fields.inputs)
        }
    }
}
