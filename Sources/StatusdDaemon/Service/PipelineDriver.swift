import Foundation
import Logging
import StatusdCore

/// Everything the pipeline's thread and the services share: the engine (every decision), the
/// sources, the state files and what the loop keeps between passes. Not `Sendable`: it is
/// reachable only inside `Pipeline`'s mutex, so the compiler, not a comment, says each use holds
/// the lock.
///
/// The driver hands the engine its events and performs the actions it answers
/// (`Pipeline+Actions`); the feature files (`Pipeline+Checkpoint`, `+Transitions`, `+Silences`,
/// `+Lifecycle`, `+Health`, `+Status`, `+Reload`, `Source/Pipeline+Sources`) hold its methods
/// beside the `Pipeline` entry points that take the lock.
final class PipelineDriver {
    /// Counts, alert states, gating, the outbox and health: every decision.
    var engine: AlertEngine
    /// The running config (the engine's).
    var config: StatusdConfig { engine.config }
    let tailer: Tailer
    /// Where lines come from (`LogSource`): the tailer, journald (`journal:`), statusd's syslog
    /// listener (`syslog:`), and any source a test adds.
    let sources: [any LogSource]
    let board: SinkBoard
    let doorbell: Doorbell
    /// Echo alerts on stderr (a daemon run by hand, stderr not the journal).
    let echoToStderr: Bool
    let logger: Logger
    let clock: @Sendable () -> Int64
    var lineRates: [String: LineRate] = [:]
    var lastFullScan: Int64 = 0
    /// The sources' generation when they were last found with nothing left to read.
    var caughtUpGeneration: UInt64 = .max
    /// `tailer.bytesRead` when malloc was last trimmed.
    var bytesReadAtTrim: UInt64 = 0
    let startedAt: Int64
    /// The monotonic clock at start: uptime is measured on it, so a wall-clock step does not
    /// make it negative or jump.
    let startedMonotonic = Pipeline.monotonicSeconds()
    var configLoadedAt: Int64
    var lastReloadError: String?
    let configPath: String
    let checkpoints: CheckpointStore
    /// `silences.json` beside the state files.
    let silenceFile: SilenceStore
    var savedGeneration: UInt64 = .max
    var checkpointFailing = false
    /// What the driver knows of its own trouble between ticks (`Pipeline+Health`).
    var selfHealth = PipelineHealth()

    init(config: StatusdConfig, configPath: String, board: SinkBoard, doorbell: Doorbell, echoToStderr: Bool,
         logger: Logger, clock: @escaping @Sendable () -> Int64, sources extra: [any LogSource]) {
        self.engine = AlertEngine(config: config, routes: board.routes(config: config))
        self.configPath = configPath
        self.board = board
        self.doorbell = doorbell
        self.echoToStderr = echoToStderr
        self.logger = logger
        self.clock = clock
        let tailer = Tailer(logger: logger)
        self.tailer = tailer
        self.sources = [tailer, JournalReader(logger: logger), SyslogReader(logger: logger)] + extra
        self.checkpoints = CheckpointStore(directory: config.stateDir, logger: logger)
        self.silenceFile = SilenceStore(directory: config.stateDir, logger: logger)
        self.startedAt = clock()
        self.configLoadedAt = startedAt
    }

    /// A pass that counted this many lines or more found a busy log: the next one waits to gather.
    static let busyLines: UInt64 = 32

    // MARK: the loop's passes

    /// At start: the state file, the sources opened and read, what was re-read evaluated, and a
    /// first snapshot.
    func start() {
        watchClock()
        let now = clock()
        restoreCheckpoint(now: now)
        configureSources(now: now)
        readSources(now: now)
        // What was re-read from the snapshot's offsets is evaluated before the daemon answers
        // (alert states as before a crash), as the once-a-second tick would.
        if catchUp(now: now), checkpoints.restored {
            engine.monitor.advance(wallClock: now)
            _ = engine.monitor.evaluateOpenSecond()
        }
        collect(now: now)
        lastFullScan = now
        saveSnapshot(now: now)
    }

    /// After a wake-up: what the sources have ready; `true` when the pass found a busy log.
    func pass() -> Bool {
        watchClock()
        let now = clock()
        let before = linesCounted()
        readSources(now: now)
        let counted = linesCounted() - before
        // A limit crossed by the lines just read fires now, not when their second ends.
        if counted > 0 { engine.monitor.evaluateOpenSecond() }
        collect(now: now)
        return counted >= Self.busyLines
    }

    /// Once a second: the slow checks, reading what is left, moving the clock, the outbox's age.
    func tick(now read: Int64) {
        let now = watchClock() ? clock() : read
        let full = now - lastFullScan >= 10
        if full { lastFullScan = now }
        tickSources(now: now, fullScan: full)
        // The wall clock closes a second only once everything written was read: a backlog
        // is evaluated by its own lines' times, as replay does.
        if catchUp(now: now) {
            engine.monitor.advance(wallClock: now)
            _ = engine.monitor.evaluateOpenSecond()
        }
        collect(now: now)
        for input in engine.monitor.inputs {
            lineRates[input.name, default: LineRate()].sample(lines: input.tally.totals.lines, at: now)
        }
        perform(engine.tick(now: now), now: now)
        checkHealth(now: now)
        saveCheckpoint(now: now)
        // Once a backlog (16 MB or more since the last time) is read, what reading it
        // allocated and freed goes back to the kernel. (The byte count first: `bytesBehind`
        // stats every open file, which idle with 1,000 files was most of the tick's cost.)
        if tailer.bytesRead &- bytesReadAtTrim >= 16 << 20, tailer.bytesBehind == 0 {
            Malloc.trim()
            bytesReadAtTrim = tailer.bytesRead
        }
    }

    /// On shutdown: what is left to read, a last snapshot, the sources let go.
    func shutDown() {
        let now = clock()
        readSources(now: now)
        collect(now: now)
        saveSnapshot(now: now)
        for s in sources { s.shutDown() }
    }

    /// Reads sources that are behind (a backlog larger than one read) for up to half a second;
    /// `true` when nothing is left to read. Idle (nothing read since the last check), it costs
    /// nothing: no file is looked at.
    @discardableResult
    func catchUp(now: Int64) -> Bool {
        guard sourcesGeneration != caughtUpGeneration else { return true }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(500))
        while true {
            let behind = sources.filter { $0.bytesBehind > 0 }
            if behind.isEmpty { break }
            guard ContinuousClock.now < deadline else { return false }
            for s in behind { s.tick(into: &engine.monitor, now: now, fullScan: true) }
            collect(now: now)
        }
        caughtUpGeneration = sourcesGeneration
        return true
    }

    /// Lines counted so far, all inputs.
    private func linesCounted() -> UInt64 {
        engine.monitor.inputs.reduce(0) { $0 &+ $1.tally.totals.lines }
    }

    /// `3 files, 0 firing, 1,240 lines/s` for systemd's STATUS=.
    func statusLine() -> String {
        let firing = engine.monitor.rules.filter { $0.state.phase == .firing }.count
        let rate = lineRates.values.reduce(0) { $0 + $1.perSecond }
        return "\(tailer.openFileCount) files, \(firing) firing, \(Count.format(UInt64(rate.rounded()))) lines/s"
    }
}
