import StatusdParse
/// A POSIX `TZ` rule (`CET-1CEST,M3.5.0,M10.5.0/3`): the footer of a TZif file, which says how
/// the zone's clocks change after its last listed transition.
///
/// Pure: the offsets and the instants the clocks change in a given year, from the rule alone.
/// Offsets are seconds east of UTC (POSIX writes them west: `CET-1` is UTC+1).
public struct PosixTZ: Sendable, Equatable {
    /// One end of daylight time: `Mm.w.d` (month, week 1-5 with 5 the last, weekday 0 Sunday),
    /// `Jn` (day 1-365, February 29 never counted) or `n` (day 0-365, counting it), and the
    /// local time of day it happens (may be negative or beyond 24 h, as RFC 8536 allows).
    public enum Day: Sendable, Equatable {
        case monthWeekDay(month: Int, week: Int, weekday: Int)
        case julian1(Int)
        case julian0(Int)
    }

    public struct Change: Sendable, Equatable {
        public var day: Day
        public var time: Int64
    }

    public var standardOffset: Int32
    public var daylightOffset: Int32?
    public var start: Change?
    public var end: Change?

    /// Parses `text`; nil when it is not a rule statusd understands.
    public init?(_ text: String) {
        var p = Array(text.utf8)[...]
        guard Self.name(&p), let std = Self.offset(&p) else { return nil }
        standardOffset = Int32(-std)
        if p.isEmpty { return }
        guard Self.name(&p) else { return nil }
        if let first = p.first, first != UInt8(ascii: ",") {
            guard let dst = Self.offset(&p) else { return nil }
            daylightOffset = Int32(-dst)
        } else {
            daylightOffset = standardOffset + 3600
        }
        // A daylight name without a rule: POSIX leaves the rule to the system; use the US rule,
        // as glibc does.
        guard p.first == UInt8(ascii: ",") else {
            guard p.isEmpty else { return nil }
            start = Change(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200)
            end = Change(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200)
            return
        }
        p = p.dropFirst()
        guard let s = Self.change(&p), p.first == UInt8(ascii: ",") else { return nil }
        p = p.dropFirst()
        guard let e = Self.change(&p), p.isEmpty else { return nil }
        start = s
        end = e
    }

    /// The UTC instants daylight time starts and ends in `year` (nil without daylight time).
    public func changes(inYear year: Int) -> (start: Int64, end: Int64)? {
        guard let dst = daylightOffset, let start, let end else { return nil }
        let s = Self.localSeconds(start, year: year) - Int64(standardOffset)
        let e = Self.localSeconds(end, year: year) - Int64(dst)
        return (s, e)
    }

    /// The offset in force at UTC instant `t`.
    public func offset(at t: Int64) -> Int32 {
        guard let dst = daylightOffset else { return standardOffset }
        let year = CivilTime.civilFromDays(Self.floorDiv(t + Int64(standardOffset), 86400)).year
        guard let c = changes(inYear: year) else { return standardOffset }
        let inDaylight = c.start < c.end ? (t >= c.start && t < c.end) : (t < c.end || t >= c.start)
        return inDaylight ? dst : standardOffset
    }

    static func localSeconds(_ change: Change, year: Int) -> Int64 {
        let jan1 = CivilTime.daysFromCivil(year: year, month: 1, day: 1)
        let day: Int64
        switch change.day {
        case .julian0(let n):
            day = jan1 + Int64(n)
        case .julian1(let n):
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            day = jan1 + Int64(n - 1) + (leap && n >= 60 ? 1 : 0)
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilTime.daysFromCivil(year: year, month: month, day: 1)
            let firstWeekday = Int(Self.floorMod(first + 4, 7))  // 1970-01-01 was a Thursday
            var d = first + Int64((weekday - firstWeekday + 7) % 7) + Int64(7 * (week - 1))
            let nextMonth = month == 12 ? CivilTime.daysFromCivil(year: year + 1, month: 1, day: 1)
                : CivilTime.daysFromCivil(year: year, month: month + 1, day: 1)
            while d >= nextMonth { d -= 7 }
            day = d
        }
        return day * 86400 + change.time
    }

    // MARK: parsing

    private static func name(_ p: inout ArraySlice<UInt8>) -> Bool {
        if p.first == UInt8(ascii: "<") {
            guard let close = p.firstIndex(of: UInt8(ascii: ">")) else { return false }
            p = p[(close + 1)...]
            return true
        }
        var n = 0
        while let c = p.first, (c | 0x20) >= UInt8(ascii: "a"), (c | 0x20) <= UInt8(ascii: "z") { p = p.dropFirst(); n += 1 }
        return n >= 3
    }

    /// `[+-]hh[:mm[:ss]]` in seconds (POSIX sign: positive is west).
    private static func offset(_ p: inout ArraySlice<UInt8>) -> Int64? {
        var sign: Int64 = 1
        if p.first == UInt8(ascii: "+") { p = p.dropFirst() } else if p.first == UInt8(ascii: "-") { sign = -1; p = p.dropFirst() }
        guard let t = hms(&p) else { return nil }
        return sign * t
    }

    private static func hms(_ p: inout ArraySlice<UInt8>) -> Int64? {
        guard let h = number(&p), h <= 167 else { return nil }
        var t = h * 3600
        if p.first == UInt8(ascii: ":") {
            p = p.dropFirst()
            guard let m = number(&p), m < 60 else { return nil }
            t += m * 60
            if p.first == UInt8(ascii: ":") {
                p = p.dropFirst()
                guard let s = number(&p), s < 60 else { return nil }
                t += s
            }
        }
        return t
    }

    private static func number(_ p: inout ArraySlice<UInt8>) -> Int64? {
        var v: Int64 = 0, n = 0
        while let c = p.first, c >= 48, c <= 57, n < 4 { v = v * 10 + Int64(c - 48); p = p.dropFirst(); n += 1 }
        return n > 0 ? v : nil
    }

    private static func change(_ p: inout ArraySlice<UInt8>) -> Change? {
        let day: Day
        if p.first == UInt8(ascii: "M") {
            p = p.dropFirst()
            guard let m = number(&p), (1...12).contains(m), p.first == UInt8(ascii: ".") else { return nil }
            p = p.dropFirst()
            guard let w = number(&p), (1...5).contains(w), p.first == UInt8(ascii: ".") else { return nil }
            p = p.dropFirst()
            guard let d = number(&p), (0...6).contains(d) else { return nil }
            day = .monthWeekDay(month: Int(m), week: Int(w), weekday: Int(d))
        } else if p.first == UInt8(ascii: "J") {
            p = p.dropFirst()
            guard let n = number(&p), (1...365).contains(n) else { return nil }
            day = .julian1(Int(n))
        } else {
            guard let n = number(&p), (0...365).contains(n) else { return nil }
            day = .julian0(Int(n))
        }
        var time: Int64 = 7200
        if p.first == UInt8(ascii: "/") {
            p = p.dropFirst()
            guard let t = offset(&p) else { return nil }
            time = t
        }
        return Change(day: day, time: time)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
}
