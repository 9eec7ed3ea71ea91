import StatusdCore

/// The journal inputs as one of the pipeline's sources: read on every wake-up and tick (new
/// entries within a second), resumed at the saved cursors.
extension JournalReader: LogSource {
    var kind: SourceKind { .journal }

    func configure(_ inputs: [InputConfig], into sink: inout Monitor, now: Int64) {
        configure(inputs)
    }

    func read(into sink: inout Monitor, now: Int64) {
        readEntries(into: &sink, now: now)
    }

    func tick(into sink: inout Monitor, now: Int64, fullScan: Bool) {
        readEntries(into: &sink, now: now)
    }

    /// None: the journal is read on every wake-up and tick, not polled for.
    var pollDescriptors: [Int32] { [] }

    /// journald keeps the entries (until it vacuums them).
    var keepsUnread: Bool { true }

    /// A journal tells no backlog in bytes; a read takes up to 50,000 entries an input.
    var bytesBehind: UInt64 { 0 }

    /// Each input whose journal cannot be opened: its entries are not counted.
    var unreadable: [(subject: String, detail: String)] {
        sources.compactMap { s in
            guard !s.isOpen else { return nil }
            return ("journal: " + SafeText.field(s.selection.description),
                    "\(s.problem ?? "the journal is not open"); its entries are not counted (input \(s.input))")
        }
    }

    /// Each input's cursor (none before the first entry read).
    var position: SourcePosition {
        let c = cursors
        return c.isEmpty ? .none : SourcePosition(cursors: c)
    }

    func restore(_ position: SourcePosition, seenInputs: Set<String>, savedAt: Int64) {
        restore(position.cursors ?? [:])
    }

    /// Closes the journals (after the last snapshot has their cursors).
    func shutDown() { for s in sources { s.close() } }
}
