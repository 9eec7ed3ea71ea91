/// Counts of lines by status code since some start, plus the lines that could not be read.
///
/// A dense table indexed by code, so counting a line is one increment. The views that
/// `statusd status` shows (`1xx`..`5xx`, `52x`, `aborts`, `other`, `unparsed`) are derived from it.
public struct StatusCounts: Sendable, Equatable {
    /// Counts by code (`StatusCode.tableSize` long). Stored under another name so that `add`, the
    /// engine's per-line call, can be inlined into it across the module boundary.
    public var perCode: [UInt64] { _perCode }
    @usableFromInline var _perCode: [UInt64]
    /// Lines that are not access lines a parser understood: never counted as a status.
    public var unparsed: UInt64 = 0
    /// Lines a format says carry no request (headers, comments, blank lines).
    public var ignored: UInt64 = 0

    public init() {
        _perCode = Array(repeating: 0, count: StatusCode.tableSize)
    }

    @inlinable
    public mutating func add(_ code: StatusCode, count: UInt64 = 1) {
        _perCode[Int(code.rawValue)] &+= count
    }

    @inlinable
    public subscript(code: StatusCode) -> UInt64 { _perCode[Int(code.rawValue)] }

    /// Lines with a status (every class, 000 and odd codes), not the unreadable ones.
    public var requests: UInt64 { perCode.reduce(0, &+) }

    /// Lines counted in any way.
    public var lines: UInt64 { requests &+ unparsed &+ ignored }

    public func classTotal(_ digit: Int) -> UInt64 {
        perCode[digit * 100..<(digit + 1) * 100].reduce(0, &+)
    }

    /// Codes with a non-zero count, ascending.
    public var nonZero: [(code: StatusCode, count: UInt64)] {
        perCode.indices.compactMap { perCode[$0] == 0 ? nil : (StatusCode(unchecked: UInt16($0)), perCode[$0]) }
    }

    /// The keys of the status JSON: `1xx`..`5xx` by first digit, the overlapping views `52x` and
    /// `aborts`, `other` for 000 and codes outside 100-599, and `unparsed`.
    public var classView: ClassView {
        var view = ClassView()
        view.c1xx = classTotal(1); view.c2xx = classTotal(2); view.c3xx = classTotal(3)
        view.c4xx = classTotal(4); view.c5xx = classTotal(5)
        view.c52x = perCode[520...530].reduce(0, &+)
        view.aborts = perCode[0] &+ perCode[460] &+ perCode[499]
        view.other = perCode[0..<100].reduce(0, &+) &+ perCode[600..<StatusCode.tableSize].reduce(0, &+)
        view.unparsed = unparsed
        return view
    }
}

/// Status counts as `statusd status` and `statusd replay` print them.
public struct ClassView: Sendable, Equatable, Codable {
    public var c1xx: UInt64 = 0, c2xx: UInt64 = 0, c3xx: UInt64 = 0, c4xx: UInt64 = 0, c5xx: UInt64 = 0
    public var c52x: UInt64 = 0, aborts: UInt64 = 0, other: UInt64 = 0, unparsed: UInt64 = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case c1xx = "1xx", c2xx = "2xx", c3xx = "3xx", c4xx = "4xx", c5xx = "5xx"
        case c52x = "52x", aborts, other, unparsed
    }
}
