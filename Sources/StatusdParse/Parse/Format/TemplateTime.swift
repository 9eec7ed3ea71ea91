/// Reads a template's time field in place, by its shape: times hold spaces and colons, so they are
/// not found by a stop byte but read for as long as their shape says. Returns where the time ends
/// and its Unix seconds.
enum TemplateTime {
    @inline(__always)
    static func read(_ shape: FormatTemplate.TimeShape, _ p: UnsafeRawBufferPointer, at i: Int, stamp: inout StampCache) -> (Int, Int64)? {
        let n = p.count
        switch shape {
        case .commonLog:
            guard let t = stamp.commonLogTime(p, from: i) else { return nil }
            return (i + 26, t)
        case .bracketedCommonLog:
            guard i + 28 <= n, p[i] == ASCII.openBracket, p[i + 27] == ASCII.closeBracket,
                  let t = stamp.commonLogTime(p, from: i + 1) else { return nil }
            return (i + 28, t)
        case .iso8601:
            // 2000-10-10T13:55:36-07:00 or ...Z
            var end = i + 19
            guard end <= n else { return nil }
            if end < n, p[end] == UInt8(ascii: "Z") { end += 1 } else if end + 6 <= n, p[end] == ASCII.plus || p[end] == ASCII.dash { end += 6 } else { return nil }
            let text = UnsafeRawBufferPointer(rebasing: p[i..<end])
            guard let t = stamp.value(of: text, { TimeText.rfc3339($0) }) else { return nil }
            return (end, t)
        case .haproxyDate:
            guard i + 24 <= n, p[i + 20] == UInt8(ascii: "."), ASCII.isDigit(p[i + 21]), ASCII.isDigit(p[i + 22]), ASCII.isDigit(p[i + 23]) else { return nil }
            let text = UnsafeRawBufferPointer(rebasing: p[i..<(i + 20)])
            guard let t = stamp.value(of: text, { clock($0, at: 0) }) else { return nil }
            return (i + 24, t)
        case .epochSeconds, .epochMillis, .epochMicros:
            var j = i
            var v: Int64 = 0
            while j < n, ASCII.isDigit(p[j]), j - i < 18 {  // 18 digits fit in Int64; 19 nines do not
                v = v * 10 + Int64(ASCII.digit(p[j]))
                j += 1
            }
            guard j > i else { return nil }
            if shape == .epochSeconds, j < n, p[j] == UInt8(ascii: ".") {
                j += 1
                let f = j
                while j < n, ASCII.isDigit(p[j]) { j += 1 }
                guard j > f else { return nil }
            }
            switch shape {
            case .epochMillis: v /= 1000
            case .epochMicros: v /= 1_000_000
            default: break
            }
            return (j, v)
        case .strftime(let pieces):
            return Strftime.read(pieces, p, at: i)
        }
    }

    /// `dd/Mon/yyyy:HH:MM:SS` (20 bytes) at `at`, as UTC.
    static func clock(_ p: UnsafeRawBufferPointer, at s: Int) -> Int64? {
        guard s + 20 <= p.count else { return nil }
        func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<at + len {
                guard ASCII.isDigit(p[k]) else { return nil }
                v = v * 10 + ASCII.digit(p[k])
            }
            return v
        }
        guard let day = num(s, 2), p[s + 2] == ASCII.slash,
              let month = CommonLogTime.monthNumber(p[s + 3], p[s + 4], p[s + 5]), p[s + 6] == ASCII.slash,
              let year = num(s + 7, 4), p[s + 11] == ASCII.colon,
              let hour = num(s + 12, 2), p[s + 14] == ASCII.colon,
              let minute = num(s + 15, 2), p[s + 17] == ASCII.colon,
              let second = num(s + 18, 2),
              day >= 1, day <= 31, hour < 24, minute < 60, second <= 60 else { return nil }
        return CivilTime.daysFromCivil(year: year, month: month, day: day) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }
}

/// strftime formats (Apache `%{...}t`): compiled from the format's text, read from a line's bytes.
enum Strftime {
    typealias Piece = FormatTemplate.StrftimePiece

    /// The pieces of `format`, or the conversion statusd cannot read (`%U`, `%c`...).
    static func compile(_ format: [UInt8]) -> Result<[Piece], StrftimeError> {
        var out: [Piece] = []
        var k = 0
        while k < format.count {
            let b = format[k]
            guard b == UInt8(ascii: "%"), k + 1 < format.count else { out.append(.literal(b)); k += 1; continue }
            let c = format[k + 1]
            k += 2
            switch c {
            case UInt8(ascii: "Y"): out.append(.year)
            case UInt8(ascii: "m"): out.append(.month)
            case UInt8(ascii: "d"): out.append(.day)
            case UInt8(ascii: "e"): out.append(.spaceDay)
            case UInt8(ascii: "H"): out.append(.hour)
            case UInt8(ascii: "I"): out.append(.hour12)
            case UInt8(ascii: "M"): out.append(.minute)
            case UInt8(ascii: "S"): out.append(.second)
            case UInt8(ascii: "y"): out.append(.shortYear)
            case UInt8(ascii: "j"): out.append(.dayOfYear)
            case UInt8(ascii: "s"): out.append(.epoch)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): out.append(.monthName)
            case UInt8(ascii: "a"): out.append(.weekdayName)
            case UInt8(ascii: "B"): out.append(.fullMonthName)
            case UInt8(ascii: "A"): out.append(.fullWeekdayName)
            case UInt8(ascii: "z"): out.append(.zone)
            case UInt8(ascii: "Z"): out.append(.zoneName)
            case UInt8(ascii: "p"): out.append(.ampm)
            case UInt8(ascii: "T"): out += [.hour, .literal(ASCII.colon), .minute, .literal(ASCII.colon), .second]
            case UInt8(ascii: "R"): out += [.hour, .literal(ASCII.colon), .minute]
            case UInt8(ascii: "F"): out += [.year, .literal(ASCII.dash), .month, .literal(ASCII.dash), .day]
            case UInt8(ascii: "D"): out += [.month, .literal(ASCII.slash), .day, .literal(ASCII.slash), .shortYear]
            case UInt8(ascii: "%"): out.append(.literal(UInt8(ascii: "%")))
            case UInt8(ascii: "n"): out.append(.literal(0x0A))
            case UInt8(ascii: "t"): out.append(.literal(ASCII.tab))
            default: return .failure(StrftimeError(conversion: "%" + String(UnicodeScalar(c))))
            }
        }
        return .success(out)
    }

    struct StrftimeError: Error { var conversion: String }

    static let months: [[UInt8]] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"].map { Array($0.utf8) }
    static let weekdays: [[UInt8]] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].map { Array($0.utf8) }

    /// Reads the time at `i`; its end and Unix seconds. A format with no date reads as nil.
    static func read(_ pieces: [Piece], _ p: UnsafeRawBufferPointer, at i: Int) -> (Int, Int64)? {
        let n = p.count
        var j = i
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, offset = 0, yday = -1
        var pm: Bool?
        var epoch: Int64?
        func digits(_ width: Int) -> Int? {
            guard j + width <= n else { return nil }
            var v = 0
            for k in j..<(j + width) {
                guard ASCII.isDigit(p[k]) else { return nil }
                v = v * 10 + ASCII.digit(p[k])
            }
            j += width
            return v
        }
        func word(_ names: [[UInt8]], full: Bool) -> Int? {
            for index in names.indices {
                let count = full ? names[index].count : 3
                guard j + count <= n else { continue }
                var ok = true
                for k in 0..<count where p[j + k] | 0x20 != names[index][k] { ok = false; break }
                if ok { j += count; return index }
            }
            return nil
        }
        for piece in pieces {
            switch piece {
            case .literal(let b):
                guard j < n, p[j] == b else { return nil }
                j += 1
            case .year: guard let v = digits(4) else { return nil }; year = v
            case .shortYear: guard let v = digits(2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
            case .month: guard let v = digits(2), (1...12).contains(v) else { return nil }; month = v
            case .day: guard let v = digits(2), (1...31).contains(v) else { return nil }; day = v
            case .spaceDay:
                guard j + 2 <= n else { return nil }
                if p[j] == ASCII.space { p[j + 1] >= ASCII.zero && p[j + 1] <= ASCII.nine ? (day = ASCII.digit(p[j + 1])) : (); j += 2 } else {
                    guard let v = digits(2) else { return nil }
                    day = v
                }
            case .hour: guard let v = digits(2), v < 24 else { return nil }; hour = v
            case .hour12: guard let v = digits(2), (1...12).contains(v) else { return nil }; hour = v % 12
            case .minute: guard let v = digits(2), v < 60 else { return nil }; minute = v
            case .second: guard let v = digits(2), v <= 60 else { return nil }; second = v
            case .dayOfYear: guard let v = digits(3), (1...366).contains(v) else { return nil }; yday = v
            case .epoch:
                var v: Int64 = 0
                let s = j
                while j < n, ASCII.isDigit(p[j]), j - s < 18 { v = v * 10 + Int64(ASCII.digit(p[j])); j += 1 }
                guard j > s else { return nil }
                epoch = v
            case .monthName: guard let m = word(months, full: false) else { return nil }; month = m + 1
            case .fullMonthName: guard let m = word(months, full: true) else { return nil }; month = m + 1
            case .weekdayName: guard word(weekdays, full: false) != nil else { return nil }
            case .fullWeekdayName: guard word(weekdays, full: true) != nil else { return nil }
            case .zone:
                guard j < n, p[j] == ASCII.plus || p[j] == ASCII.dash else { return nil }
                let sign = p[j]
                j += 1
                guard let z = digits(4) else { return nil }
                offset = (z / 100 * 3600 + z % 100 * 60) * (sign == ASCII.plus ? 1 : -1)
            case .zoneName:
                let s = j
                while j < n, (p[j] | 0x20) >= UInt8(ascii: "a"), (p[j] | 0x20) <= UInt8(ascii: "z") { j += 1 }
                guard j > s else { return nil }
            case .ampm:
                guard j + 2 <= n, p[j + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
                let c = p[j] | 0x20
                guard c == UInt8(ascii: "a") || c == UInt8(ascii: "p") else { return nil }
                pm = c == UInt8(ascii: "p")
                j += 2
            }
        }
        if let epoch { return (j, epoch) }
        if pm == true { hour += 12 }
        var days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        if yday > 0 { days = CivilTime.daysFromCivil(year: year, month: 1, day: 1) + Int64(yday - 1) }
        return (j, days * 86400 + Int64(hour * 3600 + minute * 60 + second - offset))
    }
}
