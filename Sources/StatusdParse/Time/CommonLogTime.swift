/// The common log time `10/Oct/2000:13:55:36 -0700`, read from bytes into Unix seconds.
public enum CommonLogTime {
    /// Parses the time starting at `start` (just after `[`); `nil` when it is not one.
    public static func parse(_ p: UnsafeRawBufferPointer, from start: Int) -> Int64? {
        // dd/Mon/yyyy:HH:MM:SS +zzzz  = 26 bytes
        guard start + 26 <= p.count else { return nil }
        func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<at + len {
                let b = p[k]
                guard ASCII.isDigit(b) else { return nil }
                v = v * 10 + ASCII.digit(b)
            }
            return v
        }
        guard let day = num(start, 2), p[start + 2] == ASCII.slash,
              let month = monthNumber(p[start + 3], p[start + 4], p[start + 5]), p[start + 6] == ASCII.slash,
              let year = num(start + 7, 4), p[start + 11] == ASCII.colon,
              let hour = num(start + 12, 2), p[start + 14] == ASCII.colon,
              let minute = num(start + 15, 2), p[start + 17] == ASCII.colon,
              let second = num(start + 18, 2), p[start + 20] == ASCII.space,
              let zone = num(start + 22, 4)
        else { return nil }
        let sign = p[start + 21]
        guard sign == ASCII.plus || sign == ASCII.dash else { return nil }
        guard day >= 1, day <= 31, hour < 24, minute < 60, second <= 60 else { return nil }
        let offset = (zone / 100) * 3600 + (zone % 100) * 60
        let local = CivilTime.daysFromCivil(year: year, month: month, day: day) * 86400
            + Int64(hour * 3600 + minute * 60 + second)
        return sign == ASCII.plus ? local - Int64(offset) : local + Int64(offset)
    }

    @inline(__always)
    static func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        // Lower-case the three letters and pack them.
        let key = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        switch key {
        case 0x6A616E: return 1   // jan
        case 0x666562: return 2   // feb
        case 0x6D6172: return 3   // mar
        case 0x617072: return 4   // apr
        case 0x6D6179: return 5   // may
        case 0x6A756E: return 6   // jun
        case 0x6A756C: return 7   // jul
        case 0x617567: return 8   // aug
        case 0x736570: return 9   // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }
}
