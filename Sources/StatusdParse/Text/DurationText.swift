/// Durations as config files and messages write them: `90s`, `5m`, `1h30m`, `2d`.
public enum DurationText {
    /// Seconds for `30s`, `5m`, `1h`, `1h30m`, `2d`, `500ms` rounds up to 1s; `nil` when malformed.
    public static func parse(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        guard !s.isEmpty else { return nil }
        var total: Int64 = 0
        var i = 0
        var sawUnit = false
        while i < s.count {
            var value: Int64 = 0
            var digits = 0
            while i < s.count, ASCII.isDigit(s[i]) {
                value = value * 10 + Int64(ASCII.digit(s[i]))
                digits += 1
                i += 1
                if value > 10_000_000_000 { return nil }
            }
            guard digits > 0, i < s.count else { return nil }
            let unit = s[i]
            i += 1
            switch unit {
            case UInt8(ascii: "s"): total += value
            case UInt8(ascii: "m"):
                if i < s.count, s[i] == UInt8(ascii: "s") { i += 1; total += (value + 999) / 1000 } else { total += value * 60 }
            case UInt8(ascii: "h"): total += value * 3600
            case UInt8(ascii: "d"): total += value * 86400
            default: return nil
            }
            sawUnit = true
        }
        return sawUnit ? total : nil
    }

    /// `5m`, `1h30m`, `45s`, `2d`: the shortest exact spelling.
    public static func format(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
