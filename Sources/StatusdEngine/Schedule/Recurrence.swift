import StatusdParse
/// When a maintenance window recurs, as `every:` writes it: days, then a time span on the wall
/// clock of the window's zone.
///
/// - `daily 02:00-04:00`
/// - `Sun 02:00-04:00`, `Mon-Fri 22:00-23:30`, `Sat,Sun 01:00-05:00` (weekdays, English, three
///   letters or whole; ranges wrap: `Fri-Mon`)
/// - `1 03:00-05:00`, `1,15 03:00-04:00`, `1-7 00:00-06:00` (days of the month; a day a month
///   does not have is skipped that month)
/// - a span that ends at or before it starts runs past midnight (`Sat 23:00-01:00` ends Sunday
///   01:00); `24:00` is the end of the day.
public struct Recurrence: Sendable, Equatable {
    public enum Days: Sendable, Equatable {
        case daily
        /// 0 Sunday ... 6 Saturday.
        case weekdays(Set<Int>)
        /// 1 ... 31.
        case monthDays(Set<Int>)
    }

    public var days: Days
    /// Minutes after local midnight the window starts (0..<1440) and ends (1...1440).
    public var startMinute: Int
    public var endMinute: Int

    /// The window runs past midnight into the next day.
    public var crossesMidnight: Bool { endMinute <= startMinute }

    static let weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let weekdayLong = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Parses `every:`; the error says what is wrong, in words for the config's author.
    public static func parse(_ text: String) -> Result<Recurrence, RecurrenceError> {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 2 else { return .failure(.init("`every` is days and a time span, such as `Sun 02:00-04:00`, `daily 03:00-03:30` or `1,15 04:00-05:00`")) }
        guard let days = parseDays(parts[0].lowercased()) else {
            return .failure(.init("`every` starts with `daily`, weekdays (`Sun`, `Mon-Fri`, `Sat,Sun`) or days of the month (`1`, `1,15`, `1-7`), not `\(SafeText.field(parts[0]))`"))
        }
        let span = parts[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard span.count == 2, let s = minute(span[0]), let e = minute(span[1]), s < 1440, e > 0 else {
            return .failure(.init("`every` ends with a time span HH:MM-HH:MM (24-hour clock, 24:00 for midnight at the end), not `\(SafeText.field(parts[1]))`"))
        }
        guard s != e else { return .failure(.init("the span `\(parts[1])` has no length; for a whole day write 00:00-24:00")) }
        return .success(Recurrence(days: days, startMinute: s, endMinute: e))
    }

    private static func minute(_ s: String) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
              hm[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), hm[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              m < 60, h < 24 || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }

    private static func parseDays(_ s: String) -> Days? {
        if s == "daily" { return .daily }
        var weekdays = Set<Int>(), monthDays = Set<Int>()
        for item in s.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard ends.count == 1 || ends.count == 2 else { return nil }
            if let a = weekday(ends[0]) {
                guard monthDays.isEmpty else { return nil }
                let b = ends.count == 2 ? weekday(ends[1]) : a
                guard let b else { return nil }
                var d = a
                while true { weekdays.insert(d); if d == b { break }; d = (d + 1) % 7 }
            } else if let a = Int(ends[0]), (1...31).contains(a) {
                guard weekdays.isEmpty else { return nil }
                let b = ends.count == 2 ? Int(ends[1]) : a
                guard let b, (a...31).contains(b) else { return nil }
                for d in a...b { monthDays.insert(d) }
            } else {
                return nil
            }
        }
        if !weekdays.isEmpty { return weekdays.count == 7 ? .daily : .weekdays(weekdays) }
        return monthDays.isEmpty ? nil : .monthDays(monthDays)
    }

    private static func weekday(_ s: String) -> Int? {
        weekdayNames.firstIndex(of: s) ?? weekdayLong.firstIndex(of: s)
    }

    /// Whether the window starts on local day `day` (days since 1970-01-01).
    public func starts(onDay day: Int64) -> Bool {
        switch days {
        case .daily: return true
        case .weekdays(let set): return set.contains(Int(PosixTZ.floorMod(day + 4, 7)))
        case .monthDays(let set): return set.contains(CivilTime.civilFromDays(day).day)
        }
    }

    /// The local-seconds span of the window that starts on `day`.
    public func localSpan(onDay day: Int64) -> Range<Int64> {
        let from = day * 86400 + Int64(startMinute) * 60
        let to = (day + (crossesMidnight ? 1 : 0)) * 86400 + Int64(endMinute) * 60
        return from..<to
    }
}

/// Why an `every:` was refused.
public struct RecurrenceError: Error, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
