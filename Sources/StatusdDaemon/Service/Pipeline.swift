import Foundation
import Logging
import StatusdCore

/// The daemon's driver: it reads the sources (tail, journald, syslog) into the engine's monitor on
/// one thread, hands the engine each event (lines counted, a second passed, a sink acknowledged, a
/// reload, a silence, an acknowledgement) and performs the actions it answers (`Pipeline+Actions`):
/// state files, delivery's doorbell, the log. The decisions are all `AlertEngine`'s (pure).
/// Delivery runs beside it (`DeliveryService`), taking from the outbox.
///
/// One thread owns the files and the counts, so the hot path takes no lock per line; the lock is
/// taken per batch of events, by status requests, and by the delivery service's acknowledgements.
public final class Pipeline: @unchecked Sendable {
    let lock = NSLock()
    /// Counts, alert states, gating, the outbox and health: every decision. Under `lock`.
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
    let notifier = SystemdNotifier()
    let clock: @Sendable () -> Int64
    /// The wall clock with its fraction (Unix seconds): `clock` is its whole seconds unless a
    /// test gave both; the loop times its tick by it.
    let wallClock: @Sendable () -> Double
    let wake = WakeFD()
    var stopRequested = false
    var lineRates: [String: LineRate] = [:]
    var lastFullScan: Int64 = 0
    /// The sources' generation when they were last found with nothing left to read.
    var caughtUpGeneration: UInt64 = .max
    /// `tailer.bytesRead` when malloc was last trimmed.
    var bytesReadAtTrim: UInt64 = 0
    public let startedAt: Int64
    /// The monotonic clock at start: uptime is measured on it, so a wall-clock step does not
    /// make it negative or jump.
    let startedMonotonic = Pipeline.monotonicSeconds()
    var configLoadedAt: Int64
    var lastReloadError: String?
    public let configPath: String
    let checkpoints: CheckpointStore
    /// `silences.json` beside the state files.
    let silenceFile: SilenceStore
    var savedGeneration: UInt64 = .max
    var checkpointFailing = false
    /// What the driver knows of its own trouble between ticks (`Pipeline+Health`).
    var selfHealth = PipelineHealth()
    /// After handling file events, how long to let more lines arrive before the next pass: a busy
    /// log is read in 40 large reads a second at most instead of one wake-up per line nginx writes.
    /// Well inside the alert latency budget (p99 200 ms from write to receiver).
    static let coalesceMs: Int32 = 25
    /// A pass that counted this many lines or more found a busy log: the next one waits to gather.
    static let busyLines: UInt64 = 32

    init(config: StatusdConfig, configPath: String, board: SinkBoard, doorbell: Doorbell,
         echoToStderr: Bool, logger: Logger, clock: (@Sendable () -> Int64)? = nil,
         wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
         sources extra: [any LogSource] = []) {
        self.engine = AlertEngine(config: config, routes: board.routes(config: config))
        self.configPath = configPath
        self.board = board
        self.doorbell = doorbell
        self.echoToStderr = echoToStderr
        self.logger = logger
        self.clock = clock ?? { Int64(wallClock().rounded(.down)) }
        self.wallClock = wallClock
        let tailer = Tailer(logger: logger)
        self.tailer = tailer
        self.sources = [tailer, JournalReader(logger: logger), SyslogReader(logger: logger)] + extra
        self.checkpoints = CheckpointStore(directory: config.stateDir, logger: logger)
        self.silenceFile = SilenceStore(directory: config.stateDir, logger: logger)
        self.startedAt = self.clock()
        self.configLoadedAt = startedAt
    }

    // MARK: running

    /// Opens the files and runs the loop until `stop()`. Blocking: call it on its own thread.
    public func run() {
        lock.withLock {
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
        doorbell.ring()
        notifier.ready(status: statusLine())
        logger.notice("statusd is running", metadata: ["inputs": "\(config.inputs.count)", "rules": "\(config.rules.count)"])
        var nextTick = clock() + 1
        // Durations on the monotonic clock: a wall clock stepped back must not stop the pings.
        var lastWatchdog = ContinuousClock.now
        let watchdog = notifier.watchdogPingInterval
        while true {
            // Tick just after each wall-clock second begins: the second that just ended is
            // evaluated within milliseconds of its end, not up to a second later.
            let untilTick = (Double(nextTick) - wallClock()) * 1000 + 2
            let waitMs = Int32(max(0, min(1000, untilTick)))
            let filesChanged = wait(timeoutMs: tailer.pollingDirectories.isEmpty ? waitMs : min(waitMs, 250))
            if lock.withLock({ stopRequested }) { break }
            let busy = lock.withLock {
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
            // Events are handled at once (a new file is opened before it can be rotated away, the
            // first lines of an outage are counted without delay). When that pass found a busy
            // log, the lines written meanwhile gather for a moment and are read in one go next.
            if filesChanged && busy { gather() }
            let t = clock()
            // (A wall clock stepped back is ticked at once, not when it catches up.)
            if t >= nextTick || nextTick - t > 1 {
                tick(now: t)
                nextTick = t + 1
            }
            if let interval = watchdog, lastWatchdog.duration(to: .now) >= .seconds(interval) {
                notifier.watchdog()
                lastWatchdog = ContinuousClock.now
            }
        }
        notifier.stopping()
        lock.withLock {
            let now = clock()
            readSources(now: now)
            collect(now: now)
            saveSnapshot(now: now)
            for s in sources { s.shutDown() }
        }
        logger.notice("statusd stopped")
    }

    public func stop() {
        lock.withLock { stopRequested = true }
        wake.signal()
    }

    /// Waits for a file event, a wake-up or the timeout; `true` when files changed.
    private func wait(timeoutMs: Int32) -> Bool {
        // The wake pipe and the sources' descriptors (inotify; the syslog sockets, whose
        // datagrams are read as they come: a full receive buffer drops them).
        let polled = lock.withLock { sourceDescriptors() }
        var fds = [pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
        for p in polled { fds.append(pollfd(fd: p.fd, events: Int16(POLLIN), revents: 0)) }
        let n = poll(&fds, nfds_t(fds.count), timeoutMs)
        if fds[0].revents != 0 { wake.drain() }
        return n > 0 && fds[0].revents == 0 && polled.indices.contains { polled[$0].gathers && fds[$0 + 1].revents != 0 }
    }

    /// Lines counted so far, all inputs.
    private func linesCounted() -> UInt64 {
        engine.monitor.inputs.reduce(0) { $0 &+ $1.tally.totals.lines }
    }

    /// Lets more lines arrive after a file event (a stop still ends the wait at once).
    private func gather() {
        var fd = pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&fd, 1, Self.coalesceMs)
        if fd.revents != 0 { wake.drain() }
    }

    /// Once a second: the slow checks, reading what is left, moving the clock, the outbox's age.
    private func tick(now read: Int64) {
        lock.withLock {
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
            // allocated and freed goes back to the kernel.
            if tailer.bytesBehind == 0, tailer.bytesRead &- bytesReadAtTrim >= 16 << 20 {
                Malloc.trim()
                bytesReadAtTrim = tailer.bytesRead
            }
        }
        notifier.status(statusLine())
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

    /// `3 files, 0 firing, 1,240 lines/s` for systemd's STATUS=.
    func statusLine() -> String {
        lock.withLock {
            let firing = engine.monitor.rules.filter { $0.state.phase == .firing }.count
            let rate = lineRates.values.reduce(0) { $0 + $1.perSecond }
            return "\(tailer.openFileCount) files, \(firing) firing, \(Count.format(UInt64(rate.rounded()))) lines/s"
        }
    }
}
