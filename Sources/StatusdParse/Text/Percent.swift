/// Shares as messages and status print them: `7.3%`, `0.25%`, `100%`.
public enum Percent {
    public static func format(_ fraction: Double) -> String {
        let p = fraction * 100
        if p == 0 { return "0%" }
        if p >= 10 || p == p.rounded() { return trim(p, decimals: p >= 10 && p != p.rounded() ? 1 : 0) + "%" }
        if p >= 1 { return trim(p, decimals: 1) + "%" }
        return trim(p, decimals: 2) + "%"
    }

    package static func trim(_ v: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (v * scale).rounded() / scale
        var s = String(r)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}
