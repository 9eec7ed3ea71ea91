import StatusdCore

/// Where inputs' lines come from, as the pipeline's loop sees it: files (`Tailer`), journald
/// (`JournalReader`), statusd's syslog listener (`SyslogReader`), and the next ones (container
/// runtimes' APIs) behind the same calls.
///
/// Why one protocol: the loop (start, each wake-up, the once-a-second tick, catching up after a
/// restart, reload, shutdown), the state file and `statusd status` then treat every source alike,
/// and a new source is one conformance instead of an edit in each of those places. Each source
/// keeps its own resume position in the state file (`SourcePosition`), under its `kind`. Tests
/// add a source of their own (`Pipeline.init(..., sources:)`).
///
/// The sink is the monitor itself, a concrete type, not a generic parameter: a generic requirement
/// called through `any LogSource` would reach every line's `accept` through a witness table. Each
/// source's own generic per-line path (`read<S: LineSink>`, `decode(_:into:)`) is specialised for
/// `Monitor` behind these calls: one dynamic call per source and pass, none per line.
///
/// Every call comes from the pipeline's driver, inside its mutex. What is particular to one
/// source (the tailer's errors, waiting files, inotify limits, open file count, bytes read) stays
/// on its own type, which the pipeline keeps a typed reference to where it needs it.
protocol LogSource: AnyObject {
    /// What kind of source it is: the key of its position in the state file. One source of a
    /// kind per pipeline.
    var kind: SourceKind { get }

    /// Takes the config's inputs, at start and on every reload; a source ignores the inputs that
    /// are not its own. An input whose selection is unchanged keeps its place (open file, journal
    /// position, socket). A source may read what it opens (a new file is read at once).
    func configure(_ inputs: [InputConfig], into sink: inout Monitor, now: Int64)

    /// Reads what is ready now: the files an inotify event names, new journal entries, the
    /// datagrams waiting on the sockets. Called on every wake-up of the loop.
    func read(into sink: inout Monitor, now: Int64)

    /// The once-a-second pass: what events miss (rescans, files that grew without an event,
    /// sockets to bind again, drained files to close) and what is ready. `fullScan` every 10
    /// seconds and while catching up with a backlog.
    func tick(into sink: inout Monitor, now: Int64, fullScan: Bool)

    /// Bumped whenever lines were read or the position moved (wrapping): the pipeline writes a
    /// snapshot when the sum over its sources changed, and catches up only then.
    var generation: UInt64 { get }

    /// Descriptors the loop's `poll` waits on besides its wake pipe (inotify, listening sockets).
    /// Empty for a source that is only read on wake-ups and ticks (the journal).
    var pollDescriptors: [Int32] { get }

    /// Whether what arrives waits safely in the source until it is read (a file, the journal),
    /// so that after an event on a busy source the loop may let more gather for a moment and read
    /// it in one go. `false` where a bounded kernel buffer drops what is not read in time (a
    /// socket's receive buffer).
    var keepsUnread: Bool { get }

    /// Bytes written that were not read yet (0 for a source that cannot tell): the wall clock
    /// closes a second only once every source's backlog is read.
    var bytesBehind: UInt64 { get }

    /// What `statusd status` lists under `input`: each file, journal match or listener, with
    /// where it stands and any trouble.
    func reports(for input: String) -> [FileReport]

    /// What keeps the source from reading now, each with what it is and why (a file that cannot be
    /// opened, a journal that cannot be opened, a syslog address that cannot be bound): `health`
    /// lists each as `input_unreadable` and pages if it lasts, so statusd never goes blind quietly.
    var unreadable: [(subject: String, detail: String)] { get }

    /// Where to go on after a restart: saved in the snapshot with the counts it corresponds to.
    var position: SourcePosition { get }

    /// Takes back the position saved by the last run (`SourcePosition.none` when the state file
    /// has none for this kind), before the first `configure`. `seenInputs`: the inputs the state
    /// file has counts for (a new input starts at `start_at`, a known one goes on where it was);
    /// `savedAt`: when the snapshot was written.
    func restore(_ position: SourcePosition, seenInputs: Set<String>, savedAt: Int64)

    /// Lets go of what the source holds open (sockets, journal handles, files). Called once, on
    /// shutdown, after the last snapshot. (Not `close()`: inside a source's own methods that
    /// name would hide Glibc's `close(fd)`.)
    func shutDown()
}

/// A source's kind (`file`, `journal`, `syslog`): its key in the state file's `sources`. A string,
/// not a closed enum, so that a new source (or a test's) brings its own.
struct SourceKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    let rawValue: String
    init(rawValue: String) { self.rawValue = rawValue }
    init(_ rawValue: String) { self.rawValue = rawValue }

    /// Files and container logs (`path:`, `wrapper:`, `kubernetes:`), by `Tailer`.
    static let file = SourceKind("file")
    /// journald entries (`journal:`), by `JournalReader`.
    static let journal = SourceKind("journal")
    /// Datagrams to statusd's syslog listener (`syslog:`), by `SyslogReader`.
    static let syslog = SourceKind("syslog")

    var description: String { rawValue }
}
