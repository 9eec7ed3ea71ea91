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
    static let none = Int64.min

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

    /// The closed runs and their codes.
    struct Closed {
        var runs: [Run] = []
        var entries: [Entry] = []
    }

    /// The open run: a dense table of this second's counts and the codes it touched. A value the
    /// hot loop holds `inout` for a whole chunk (one exclusive access, not one per line and field).
    struct Open {
        let table: UnsafeMutablePointer<UInt32>
        var touched: [UInt16] = []
        var key = SecondRuns.none
        var lines: UInt64 = 0
        var ignored: UInt64 = 0
        var unparsed: UInt64 = 0

        /// Counts a line of status `code` at second `k` (or `atWatermark`).
        @inline(__always)
        mutating func add(code: UInt16, second k: Int64, closed: inout Closed) {
            if k != key {
                if key != SecondRuns.none { close(into: &closed) }
                key = k
            }
            let c = Int(code)
            if table[c] == 0 { touched.append(code) }
            table[c] &+= 1
            lines &+= 1
        }

        @inline(__always)
        mutating func add(_ result: ParseResult, closed: inout Closed) {
            switch result {
            case .entry(let status, let time):
                add(code: status.rawValue, second: time ?? SecondRuns.atWatermark, closed: &closed)
            case .ignored:
                ignored &+= 1
                lines &+= 1
            case .unparsed:
                unparsed &+= 1
                lines &+= 1
            }
        }

        mutating func close(into closed: inout Closed) {
            guard key != SecondRuns.none || lines != 0 else { return }
            let first = closed.entries.count
            for c in touched {
                closed.entries.append(Entry(code: c, count: table[Int(c)]))
                table[Int(c)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            closed.runs.append(Run(second: key == SecondRuns.none ? SecondRuns.atWatermark : key, first: first,
                                   count: closed.entries.count - first, lines: lines, ignored: ignored, unparsed: unparsed))
            key = SecondRuns.none
            lines = 0; ignored = 0; unparsed = 0
        }
    }

    private var closed = Closed()
    private var open: Open

    public var runs: [Run] { closed.runs }
    public var entries: [Entry] { closed.entries }

    public init() {
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: StatusCode.tableSize)
        table.initialize(repeating: 0, count: StatusCode.tableSize)
        open = Open(table: table)
        open.touched.reserveCapacity(64)
        closed.runs.reserveCapacity(1024)
        closed.entries.reserveCapacity(4096)
    }

    deinit { open.table.deallocate() }

    /// Counts one parsed line.
    @inline(__always)
    public func add(_ result: ParseResult) {
        open.add(result, closed: &closed)
    }

    /// Hands the open run and the closed runs to `body` in place, for a loop that counts many lines.
    @inline(__always)
    func withOpen<R>(_ body: (inout Open, inout Closed) -> R) -> R {
        body(&open, &closed)
    }

    /// Ends the open run (at the end of a file or of a part).
    public func close() {
        open.close(into: &closed)
    }

    /// Forgets the closed runs, keeping their storage.
    public func removeAll() {
        closed.runs.removeAll(keepingCapacity: true)
        closed.entries.removeAll(keepingCapacity: true)
    }
}
