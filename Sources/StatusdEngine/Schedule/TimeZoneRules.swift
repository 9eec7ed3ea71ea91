import StatusdParse
/// A time zone's clock rules: when its offset from UTC changed and will change. Read from the
/// bytes of a TZif file (RFC 8536, `/usr/share/zoneinfo/Europe/Berlin`) that the shell hands in,
/// so the core keeps no clock, no files and no Foundation, and its answers can be tested for any
/// date.
///
/// The listed transitions are used as they are; beyond the last one the file's footer rule
/// (`PosixTZ`) says what follows, year by year.
public struct TimeZoneRules: Sendable, Equatable {
    /// The zone's name as configured (`Europe/Berlin`).
    public var name: String
    /// UTC instants the offset changed at, ascending, and the offset from each on.
    var transitions: [Int64]
    var offsets: [Int32]
    /// The offset before the first transition.
    var initialOffset: Int32
    var footer: PosixTZ?

    /// UTC, for tests and defaults.
    public static let utc = TimeZoneRules(name: "UTC", transitions: [], offsets: [], initialOffset: 0, footer: nil)

    package init(name: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32, footer: PosixTZ?) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.footer = footer
    }

    /// Seconds east of UTC in force at UTC instant `t`.
    public func offset(at t: Int64) -> Int32 {
        if let last = transitions.last, t >= last, let footer { return footer.offset(at: t) }
        if transitions.isEmpty { return footer?.offset(at: t) ?? initialOffset }
        guard t >= transitions[0] else { return initialOffset }
        var lo = 0, hi = transitions.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return offsets[lo]
    }

    /// The instants in `[from, to)` at which the offset changes, ascending.
    public func changes(from: Int64, to: Int64) -> [Int64] {
        var out: [Int64] = []
        for (i, t) in transitions.enumerated() where t >= from && t < to {
            let before = i == 0 ? initialOffset : offsets[i - 1]
            if before != offsets[i] { out.append(t) }
        }
        if let footer, to > (transitions.last ?? .min) {
            let y0 = CivilTime.civilFromDays(PosixTZ.floorDiv(max(from, transitions.last ?? from), 86400)).year - 1
            let y1 = CivilTime.civilFromDays(PosixTZ.floorDiv(to, 86400)).year + 1
            if y0 <= y1 {
                for y in y0...y1 {
                    guard let c = footer.changes(inYear: y) else { break }
                    for t in [c.start, c.end] where t >= from && t < to && t > (transitions.last ?? .min) { out.append(t) }
                }
            }
            out.sort()
        }
        return out
    }

    /// The UTC instants whose wall-clock reading in this zone lies in `[localFrom, localTo)`
    /// (local seconds: the reading written as if it were UTC), as ascending, disjoint ranges.
    ///
    /// Exact at clock changes: a reading that does not exist (clocks went forward) covers no
    /// instant, and a reading that happens twice (clocks went back) covers both.
    public func utcRanges(localFrom: Int64, localTo: Int64) -> [Range<Int64>] {
        guard localFrom < localTo else { return [] }
        let margin: Int64 = 2 * 86400
        let lo = localFrom - margin, hi = localTo + margin
        var bounds = [lo] + changes(from: lo + 1, to: hi) + [hi]
        bounds = bounds.sorted()
        var out: [Range<Int64>] = []
        for i in 0..<(bounds.count - 1) {
            let s = bounds[i], e = bounds[i + 1]
            let o = Int64(offset(at: s))
            let a = max(s, localFrom - o), b = min(e, localTo - o)
            guard a < b else { continue }
            if let last = out.last, last.upperBound >= a {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, b)
            } else {
                out.append(a..<b)
            }
        }
        return out
    }

    /// The local reading of UTC instant `t` as local seconds.
    public func local(_ t: Int64) -> Int64 { t + Int64(offset(at: t)) }
}

/// Why zone data was refused.
public enum TZifError: Error, Equatable, CustomStringConvertible {
    case notTZif
    case truncated
    case badFooter

    public var description: String {
        switch self {
        case .notTZif: return "not a TZif file (no `TZif` magic)"
        case .truncated: return "a TZif file cut short"
        case .badFooter: return "a TZif footer rule statusd cannot read"
        }
    }
}

extension TimeZoneRules {
    /// Parses a TZif file (versions 1 to 4): the 64-bit block of version 2 and later, and its
    /// footer rule; version 1 files by their 32-bit block.
    public init(tzif bytes: [UInt8], name: String) throws(TZifError) {
        guard bytes.count >= 44, bytes[0] == 0x54, bytes[1] == 0x5A, bytes[2] == 0x69, bytes[3] == 0x66 else { throw .notTZif }
        let version = bytes[4]
        var r = TZifReader(bytes: bytes, at: 0)
        let v1 = try r.header()
        if version == 0 {
            let block = try r.block(v1, timeSize: 4)
            self.init(name: name, block: block, footer: nil)
            return
        }
        try r.skip(v1.dataSize(timeSize: 4))
        let v2 = try r.header()
        let block = try r.block(v2, timeSize: 8)
        var footer: PosixTZ?
        if r.at < bytes.count, bytes[r.at] == 0x0A {
            let rest = bytes[(r.at + 1)...]
            if let nl = rest.firstIndex(of: 0x0A) {
                let text = String(decoding: bytes[(r.at + 1)..<nl], as: UTF8.self)
                if !text.isEmpty {
                    guard let f = PosixTZ(text) else { throw .badFooter }
                    footer = f
                }
            }
        }
        self.init(name: name, block: block, footer: footer)
    }

    private init(name: String, block: TZifReader.Block, footer: PosixTZ?) {
        let offsets = block.indices.map { block.types.indices.contains(Int($0)) ? block.types[Int($0)] : 0 }
        // RFC 8536: before the first transition, local time type 0.
        self.init(name: name, transitions: block.times, offsets: offsets, initialOffset: block.types.first ?? 0, footer: footer)
    }
}

/// Reads TZif headers and data blocks.
struct TZifReader {
    struct Header {
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int
        func dataSize(timeSize: Int) -> Int {
            timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
        }
    }

    struct Block {
        var times: [Int64]
        var indices: [UInt8]
        /// The offset of each local time type.
        var types: [Int32]
    }

    let bytes: [UInt8]
    var at: Int

    mutating func header() throws(TZifError) -> Header {
        guard at + 44 <= bytes.count else { throw .truncated }
        guard bytes[at] == 0x54, bytes[at + 1] == 0x5A, bytes[at + 2] == 0x69, bytes[at + 3] == 0x66 else { throw .notTZif }
        at += 20
        var c: [Int] = []
        for _ in 0..<6 { c.append(Int(try u32())) }
        return Header(isutcnt: c[0], isstdcnt: c[1], leapcnt: c[2], timecnt: c[3], typecnt: c[4], charcnt: c[5])
    }

    mutating func skip(_ n: Int) throws(TZifError) {
        guard at + n <= bytes.count else { throw .truncated }
        at += n
    }

    mutating func block(_ h: Header, timeSize: Int) throws(TZifError) -> Block {
        guard at + h.dataSize(timeSize: timeSize) <= bytes.count, h.typecnt >= 1 else { throw .truncated }
        var times: [Int64] = []
        for _ in 0..<h.timecnt { times.append(timeSize == 8 ? Int64(bitPattern: try u64()) : Int64(Int32(bitPattern: try u32()))) }
        let indices = Array(bytes[at..<(at + h.timecnt)])
        at += h.timecnt
        var types: [Int32] = []
        for _ in 0..<h.typecnt {
            types.append(Int32(bitPattern: try u32()))
            at += 2
        }
        at += h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt
        return Block(times: times, indices: indices, types: types)
    }

    private mutating func u32() throws(TZifError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw .truncated }
        defer { at += 4 }
        return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    private mutating func u64() throws(TZifError) -> UInt64 {
        UInt64(try u32()) << 32 | UInt64(try u32())
    }
}
