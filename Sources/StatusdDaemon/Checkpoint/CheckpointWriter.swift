import Foundation
import StatusdCore

/// Writes a checkpoint as the JSON `JSONDecoder` reads back into `Checkpoint`, streaming its bulky
/// parts (every input's window buckets, the long-window tiers) straight into a small buffer that
/// is flushed to the file as it fills.
///
/// Why not `JSONEncoder` for all of it: with 100 inputs and 10-minute rings a checkpoint holds
/// 60,000 buckets, and it is written every second while lines arrive. `JSONEncoder` builds a tree
/// of the whole document first (tens of MB for a moment), which glibc keeps resident afterwards.
/// The small rest (files, alert states, outbox) still goes through `JSONEncoder`.
struct CheckpointWriter {
    /// Bytes gathered before each write to the file.
    static let bufferBytes = 64 << 10

    private var out: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void

    /// `sink` receives the document in pieces, in order.
    init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        out.reserveCapacity(Self.bufferBytes + 1024)
    }

    /// Everything but `inputs` and `long`, as `JSONEncoder` writes it.
    private struct Rest: Encodable {
        var version: Int
        var savedAt: Int64
        var files: [FileCheckpoint]
        var alerts: [String: AlertState]
        var evaluatedThrough: Int64?
        var clock: Int64?
        var outbox: Outbox?
        var health: HealthBoard?
        var watchedSince: [String: Int64]?
        var journalCursors: [String: String]?
        var seasonal: [String: TieredCountsSnapshot]?
        var held: [String: Int]?
        var sources: [String: SourcePosition]?

        enum CodingKeys: String, CodingKey {
            case version, files, alerts, clock, outbox, health
            case savedAt = "saved_at", evaluatedThrough = "evaluated_through"
            case watchedSince = "watched_since", journalCursors = "journal_cursors", seasonal, held
            case sources
        }
    }

    mutating func write(_ cp: Checkpoint, encoder: JSONEncoder) throws {
        let rest = try encoder.encode(Rest(version: cp.version, savedAt: cp.savedAt, files: cp.files, alerts: cp.alerts,
                                           evaluatedThrough: cp.evaluatedThrough, clock: cp.clock, outbox: cp.outbox,
                                           health: cp.health, watchedSince: cp.watchedSince, journalCursors: cp.journalCursors,
                                           seasonal: cp.seasonal, held: cp.held, sources: cp.sources))
        append("{\"inputs\":{")
        for (n, name) in cp.inputs.keys.sorted().enumerated() {
            if n > 0 { append(",") }
            string(name)
            append(":")
            try tally(cp.inputs[name]!)
        }
        append("}")
        if let long = cp.long {
            append(",\"long\":{")
            for (n, key) in long.keys.sorted().enumerated() {
                if n > 0 { append(",") }
                string(key)
                append(":")
                try tiers(long[key]!)
            }
            append("}")
        }
        // The rest is an object of its own: `{...}` joins this one after a comma (or is empty).
        if rest.count > 2 {
            append(",")
            out.append(contentsOf: rest.dropFirst())
        } else {
            append("}")
        }
        try sink(out)
        out.removeAll(keepingCapacity: true)
    }

    private mutating func tally(_ t: TallySnapshot) throws {
        append("{\"codes\":{")
        for (n, code) in t.codes.keys.sorted().enumerated() {
            if n > 0 { append(",") }
            string(code)
            append(":")
            number(t.codes[code]!)
        }
        append("},\"unparsed\":"); number(t.unparsed)
        append(",\"ignored\":"); number(t.ignored)
        append(",\"too_late\":"); number(t.tooLate)
        append(",\"out_of_range\":"); number(t.outOfRange)
        append(",\"buckets\":[")
        var first = true
        var failure: (any Error)?
        t.forEachRow { second, pairs in
            if !first { append(",") }
            first = false
            append("[")
            number(second)
            for v in pairs { append(","); number(v) }
            append("]")
            if failure == nil { do { try flushIfFull() } catch { failure = error } }
        }
        if let failure { throw failure }
        append("]}")
    }

    private mutating func tiers(_ s: TieredCountsSnapshot) throws {
        append("{")
        if let at = s.ingestedThrough { append("\"ingested_through\":"); number(at); append(",") }
        append("\"tiers\":[")
        for (n, flat) in s.rows.enumerated() {
            if n > 0 { append(",") }
            append("[")
            var j = 0
            while j + 2 < flat.count {
                if j > 0 { append(",") }
                append("[")
                number(flat[j]); append(","); number(flat[j + 1]); append(","); number(flat[j + 2])
                append("]")
                try flushIfFull()
                j += 3
            }
            append("]")
        }
        append("],\"heads\":[")
        for (n, head) in s.heads.enumerated() {
            if n > 0 { append(",") }
            if let head { number(head) } else { append("null") }
        }
        append("]}")
    }

    private mutating func flushIfFull() throws {
        guard out.count >= Self.bufferBytes else { return }
        try sink(out)
        out.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private mutating func number(_ v: Int64) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        digits(v.magnitude)
    }

    private mutating func number(_ v: UInt64) { digits(v) }

    private mutating func digits(_ v: UInt64) {
        if v >= 10 { digits(v / 10) }
        out.append(UInt8(ascii: "0") + UInt8(v % 10))
    }

    /// A JSON string, quoted as every JSON statusd writes (`JSONValue.quote`).
    private mutating func string(_ s: String) {
        var text = ""
        JSONValue.quote(s, into: &text)
        out.append(contentsOf: text.utf8)
    }
}
