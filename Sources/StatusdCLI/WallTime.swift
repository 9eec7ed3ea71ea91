import Foundation
import StatusdCore

/// Times typed on the command line (`silence add --start/--end`): ISO 8601 with `Z` or an offset,
/// or a date and time without one, read in this machine's time zone.
enum WallTime {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Unix seconds for `2026-12-24T22:00:00Z`, `2026-12-24T23:00+01:00`, `2026-12-24 23:00[:SS]`.
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count, b[at..<(at + n)].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(String(decoding: b[at..<(at + n)], as: UTF8.self))
        }
        guard b.count >= 16, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == 84 || b[10] == 32, let h = num(11, 2), b[13] == 58, let mi = num(14, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { return nil }
        var i = 16, s = 0
        if i < b.count, b[i] == 58 {
            guard let sec = num(17, 2), sec < 60 else { return nil }
            s = sec
            i = 19
        }
        let local = CivilTime.daysFromCivil(year: y, month: mo, day: d) * 86400 + Int64(h * 3600 + mi * 60 + s)
        if i == b.count {
            var c = DateComponents()
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (y, mo, d, h, mi, s)
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone.current
            return cal.date(from: c).map { Int64($0.timeIntervalSince1970) }
        }
        if b[i] == 90, i + 1 == b.count { return local }
        guard b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2), i + 6 == b.count else { return nil }
        let off = Int64(oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        return local - off
    }
}
