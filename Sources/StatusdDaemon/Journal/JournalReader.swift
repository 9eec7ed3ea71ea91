import Logging
import StatusdCore

/// The inputs that read journald (`journal:`), beside the tailer that reads files.
final class JournalReader {
    private(set) var sources: [JournalSource] = []
    private let logger: Logger
    /// Cursors from the state file, for inputs not opened yet.
    private var saved: [String: String] = [:]

    init(logger: Logger) { self.logger = logger }

    /// Takes back the cursors saved by the last run.
    func restore(_ cursors: [String: String]) { saved = cursors }

    /// Opens a source for each journal input; one whose selection is unchanged keeps its place.
    func configure(_ inputs: [InputConfig]) {
        var kept: [JournalSource] = []
        for (index, c) in inputs.enumerated() {
            guard let selection = c.journal else { continue }
            if let old = sources.first(where: { $0.input == c.name && $0.selection == selection }) {
                old.inputIndex = index
                kept.append(old)
            } else {
                let cursor = saved[c.name] ?? sources.first { $0.input == c.name }?.cursor
                kept.append(JournalSource(config: c, index: index, selection: selection, cursor: cursor, logger: logger))
                logger.info("reading the journal", metadata: ["input": "\(c.name)", "match": "\(selection.description)",
                                                              "from": "\(cursor == nil ? (c.startAt == .end ? "the newest entry" : "the oldest entry") : "the saved cursor")"])
            }
        }
        sources = kept
        saved = [:]
    }

    /// Reads what is new in every journal input; how many entries.
    @discardableResult
    func readEntries<S: LineSink>(into sink: inout S, now: Int64) -> Int {
        var n = 0
        for s in sources { n += s.read(into: &sink, now: now) }
        return n
    }

    var generation: UInt64 { sources.reduce(0) { $0 &+ $1.generation } }

    var cursors: [String: String] {
        var out: [String: String] = [:]
        for s in sources { if let c = s.cursor { out[s.input] = c } }
        return out
    }

    func reports(for input: String) -> [FileReport] {
        sources.filter { $0.input == input }.map(\.report)
    }
}
