import StatusdParse
/// What a window held for one rule: requests, those matching, and the matching codes.
public struct WindowSum: Sendable, Equatable {
    public var total: UInt64 = 0
    public var matched: UInt64 = 0
    /// Matching codes and their counts, most frequent first after `sortedCodes`.
    public var codes: [(code: StatusCode, count: UInt64)] = []

    public init(total: UInt64 = 0, matched: UInt64 = 0, codes: [(code: StatusCode, count: UInt64)] = []) {
        self.total = total
        self.matched = matched
        self.codes = codes
    }

    public var rate: Double { total == 0 ? 0 : Double(matched) / Double(total) }

    mutating func addCode(_ code: StatusCode, _ count: UInt64) {
        if let k = codes.firstIndex(where: { $0.code == code }) {
            codes[k].count &+= count
        } else {
            codes.append((code, count))
        }
    }

    /// The codes, most frequent first, ties by code.
    public var sortedCodes: [(code: StatusCode, count: UInt64)] {
        codes.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    public static func == (a: WindowSum, b: WindowSum) -> Bool {
        a.total == b.total && a.matched == b.matched
            && a.sortedCodes.map(\.code) == b.sortedCodes.map(\.code)
            && a.sortedCodes.map(\.count) == b.sortedCodes.map(\.count)
    }
}
