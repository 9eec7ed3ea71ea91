import CSystemd
import Logging
import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// One input's journald entries (`journal:`), read with `sd_journal` from where the last run
/// stopped: the cursor is saved in the state file, so a restart loses nothing and reads nothing
/// twice while the entries are still in the journal. Each entry's MESSAGE is one line for the
/// input's format; the entry's own time stands in when the line states none.
final class JournalSource {
    let input: String
    var inputIndex: Int
    let selection: JournalSelection
    private var journal: OpaquePointer?
    private var decoder: FileDecoder
    private var scratch: [UInt8] = []
    /// Entries read since the start.
    private(set) var entries: UInt64 = 0
    /// Bumped when entries were read: the state file is due.
    private(set) var generation: UInt64 = 0
    /// The cursor of the last entry read (or of the entry reading starts after).
    private(set) var cursor: String?
    /// Why the journal cannot be read, or what was lost (shown in status).
    private(set) var problem: String?
    /// Whether the journal is open (it is not when `sd_journal_open` failed).
    var isOpen: Bool { journal != nil }
    private let logger: Logger

    init(config: InputConfig, index: Int, selection: JournalSelection, cursor: String?, logger: Logger) {
        input = config.name
        inputIndex = index
        self.selection = selection
        self.logger = logger
        decoder = FileDecoder(format: config.format, options: config.formatOptions, maxLineBytes: config.maxLineBytes)
        scratch.reserveCapacity(4096)
        open(cursor: cursor, startAtEnd: config.startAt == .end)
    }

    deinit { close() }

    /// Lets go of the journal (its files and inotify watches); the cursor stays.
    func close() {
        if let journal { sd_journal_close(journal) }
        journal = nil
    }

    private func open(cursor: String?, startAtEnd: Bool) {
        var j: OpaquePointer?
        let rc = sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY))
        guard rc >= 0, let j else {
            problem = "cannot open the journal: \(String(cString: strerror(-rc)))"
            logger.error("\(problem!)", metadata: ["input": "\(input)"])
            return
        }
        journal = j
        for (k, term) in selection.terms.enumerated() {
            if k > 0 { sd_journal_add_disjunction(j) }
            _ = term.withCString { sd_journal_add_match(j, $0, 0) }
        }
        // The journal's inotify watches, so that files journald opens or rotates in are seen.
        _ = sd_journal_get_fd(j)
        if let cursor, sd_journal_seek_cursor(j, cursor) >= 0 {
            if sd_journal_next(j) > 0, sd_journal_test_cursor(j, cursor) > 0 {
                self.cursor = cursor  // the last entry read: go on after it
                return
            }
            // The saved entry is gone (the journal was rotated and vacuumed meanwhile): the first
            // entry after it is still to be read.
            sd_journal_previous(j)
            problem = "the entry the state file points at is no longer in the journal (rotated and vacuumed while statusd was down): entries between may be lost"
            logger.warning("\(problem!)", metadata: ["input": "\(input)"])
            return
        }
        if cursor != nil {
            problem = "the saved journal position cannot be used; reading from \(startAtEnd ? "the newest entry" : "the oldest entry")"
            logger.warning("\(problem!)", metadata: ["input": "\(input)"])
        }
        if startAtEnd {
            sd_journal_seek_tail(j)
            if sd_journal_previous(j) > 0 { self.cursor = currentCursor(j) }
        } else {
            sd_journal_seek_head(j)
        }
    }

    /// Reads up to `limit` new entries into `sink`; how many it read.
    @discardableResult
    func read<S: LineSink>(into sink: inout S, now: Int64, limit: Int = 50_000) -> Int {
        guard let j = journal else { return 0 }
        _ = sd_journal_process(j)
        var n = 0
        while n < limit {
            let step = sd_journal_next(j)
            if step < 0 {
                problem = "reading the journal failed: \(String(cString: strerror(-step)))"
                break
            }
            if step == 0 { break }
            n += 1
            var data: UnsafeRawPointer?
            var length = 0
            guard sd_journal_get_data(j, "MESSAGE", &data, &length) >= 0, let data, length >= 8 else { continue }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeRawBufferPointer(start: data + 8, count: length - 8))
            scratch.append(0x0A)
            withUnsafeMutablePointer(to: &sink) { target in
                var timed = EntryTimedSink(target: target, journal: j)
                scratch.withUnsafeBytes { _ = decoder.decode($0, input: inputIndex, arrival: now, into: &timed) }
            }
        }
        if n > 0 {
            entries &+= UInt64(n)
            generation &+= 1
            // At the end `sd_journal_next` stays on the last entry: its cursor is where the next run goes on.
            if let c = currentCursor(j) { cursor = c } else { logger.warning("no cursor for the last journal entry read", metadata: ["input": "\(input)"]) }
        }
        return n
    }

    private func currentCursor(_ j: OpaquePointer) -> String? {
        var c: UnsafeMutablePointer<CChar>?
        guard sd_journal_get_cursor(j, &c) >= 0, let c else { return nil }
        defer { free(c) }
        return String(cString: c)
    }

    /// The entry's time as its sender stated it (`_SOURCE_REALTIME_TIMESTAMP`), else journald's.
    /// Read only for lines that state no time.
    static func entryTime(_ j: OpaquePointer) -> Int64 {
        var data: UnsafeRawPointer?
        var length = 0
        if sd_journal_get_data(j, "_SOURCE_REALTIME_TIMESTAMP", &data, &length) >= 0, let data, length > 27 {
            var v: Int64 = 0
            let p = UnsafeRawBufferPointer(start: data + 27, count: min(length - 27, 18))
            for b in p where b >= 0x30 && b <= 0x39 { v = v * 10 + Int64(b - 0x30) }
            return v / 1_000_000
        }
        var usec: UInt64 = 0
        return sd_journal_get_realtime_usec(j, &usec) >= 0 ? Int64(usec / 1_000_000) : 0
    }

    var report: FileReport {
        var r = FileReport(path: "journal: " + SafeText.field(selection.description), state: journal == nil ? "waiting" : "reading",
                           offset: entries, size: entries, error: problem)
        r.source = "journal"
        r.cursor = cursor
        r.position = cursor.map { "cursor " + $0 } ?? "no entry read yet"
        return r
    }
}

/// Hands results on to the monitor with the journal entry's time where the line states none.
private struct EntryTimedSink<S: LineSink>: LineSink {
    let target: UnsafeMutablePointer<S>
    /// The journal, standing on the entry being read.
    let journal: OpaquePointer

    mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) {
        target.pointee.accept(timed(result), input: input, arrival: arrival)
    }

    mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input: Int, arrival: Int64) {
        target.pointee.accept(timed(result), line: line, input: input, arrival: arrival)
    }

    private func timed(_ r: ParseResult) -> ParseResult {
        r.timed(ifNone: { let t = JournalSource.entryTime(journal); return t > 0 ? t : nil }())
    }
}
