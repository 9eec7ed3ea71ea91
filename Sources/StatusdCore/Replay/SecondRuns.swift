/// Parsed lines gathered into runs of one second, in line order: what replay hands the monitor in
/// bulk instead of line by line, and what `replay --threads` parses each part of a file into before
/// merging the parts in order.
///
/// A run ends when a line states another second than the run's. Lines without a time are counted
/// at the replay's watermark (the newest time seen before them), which a part of a file cannot know:
/// they form runs of their own (`atWatermark`), resolved when the runs are replayed in order.
/// Ignored and unparsed lines only add to totals, so they ride along with the current run.
public final class SecondRuns: @unchecked Sendable {
    /// The key of a run of lines without a time.
    public static let atWatermark = Int64.min + 1
    private static let none = Int64.min

    public struct Run: Sendable, Equatable {
        /// The lines' second, or `SecondRuns.atWatermark`.
        public var second: Int64
        /// Its codes: `entries[first..<first + count]`.
        public var first: Int
        public var count: Int
        public var lines: UInt64
        public var ignored: UInt64
        public var unparsed: UInt64
    }

    public struct Entry: Sendable, Equatable {
        public var code: UInt16
        public var count: UInt32
    }

    public private(set) var runs: [Run] = []
    public private(set) var entries: [Entry] = []

    // The open run: a dense table of this second's counts and the codes it touched.
    private let table: UnsafeMutablePointer<UInt32>
    private var touched: [UInt16] = []
    private var key = SecondRuns.none
    private var lines: UInt64 = 0
    private var ignored: UInt64 = 0
    private var unparsed: UInt64 = 0

    public init() {
        table = .allocate(capacity: StatusCode.tableSize)
        table.initialize(repeating: 0, count: StatusCode.tableSize)
        touched.reserveCapacity(64)
        runs.reserveCapacity(1024)
        entries.reserveCapacity(4096)
    }

    deinit { table.deallocate() }

    /// Counts one parsed line.
    @inline(__always)
    public func add(_ result: ParseResult) {
        switch result {
        case .entry(let status, let time):
            let k = time ?? Self.atWatermark
            if k != key {
                if key != Self.none { close() }
                key = k
            }
            let c = Int(status.rawValue)
            if table[c] == 0 { touched.append(status.rawValue) }
            table[c] &+= 1
        case .ignored:
            ignored &+= 1
        case .unparsed:
            unparsed &+= 1
        }
        lines &+= 1
    }

    /// Ends the open run (at the end of a file or of a part).
    public func close() {
        guard key != Self.none || lines != 0 else { return }
        let first = entries.count
        for c in touched {
            entries.append(Entry(code: c, count: table[Int(c)]))
            table[Int(c)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        runs.append(Run(second: key == Self.none ? Self.atWatermark : key, first: first, count: entries.count - first,
                        lines: lines, ignored: ignored, unparsed: unparsed))
        key = Self.none
        lines = 0; ignored = 0; unparsed = 0
    }

    /// Forgets the closed runs, keeping their storage.
    public func removeAll() {
        runs.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }
}
