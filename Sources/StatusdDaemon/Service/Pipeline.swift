import Foundation
import Logging
import StatusdCore
import Synchronization

/// The daemon's working part: it reads the sources (tail, journald, syslog) into the engine's
/// monitor on its own thread, hands the engine each event (lines counted, a second passed, a sink
/// acknowledged, a reload, a silence, an acknowledgement) and performs the actions it answers:
/// state files, delivery's doorbell, the log. The decisions are all `AlertEngine`'s (pure).
/// Delivery runs beside it (`DeliveryService`), taking from the outbox.
///
/// All shared state is a `PipelineDriver` inside one mutex: the loop takes it per batch of
/// events and once a second, the services per request, so the hot path takes no lock per line,
/// and nothing can reach the state without holding it. Each service sees the pipeline through a
/// narrow protocol (`Ports/`).
package final class Pipeline: Sendable {
    let driver: Mutex<PipelineDriver>
    let doorbell: Doorbell
    let logger: Logger
    let notifier = SystemdNotifier()
    let clock: @Sendable () -> Int64
    /// The wall clock with its fraction (Unix seconds): `clock` is its whole seconds unless a
    /// test gave both; the loop times its tick by it.
    let wallClock: @Sendable () -> Double
    let wake = WakeFD()
    let stopRequested = Atomic<Bool>(false)
    package let startedAt: Int64
    package let configPath: String
    /// After handling file events, how long to let more lines arrive before the next pass: a busy
    /// log is read in 40 large reads a second at most instead of one wake-up per line nginx writes.
    /// Well inside the alert latency budget (p99 200 ms from write to receiver).
    static let coalesceMs: Int32 = 25

    init(config: StatusdConfig, configPath: String, board: SinkBoard, doorbell: Doorbell,
         echoToStderr: Bool, logger: Logger, clock: (@Sendable () -> Int64)? = nil,
         wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
         sources extra: sending [any LogSource] = []) {
        let clock = clock ?? { Int64(wallClock().rounded(.down)) }
        let driver = PipelineDriver(config: config, configPath: configPath, board: board, doorbell: doorbell,
                                    echoToStderr: echoToStderr, logger: logger, clock: clock, sources: extra)
        self.startedAt = driver.startedAt
        self.driver = Mutex(driver)
        self.configPath = configPath
        self.doorbell = doorbell
        self.logger = logger
        self.clock = clock
        self.wallClock = wallClock
    }

    // MARK: running

    /// Opens the files and runs the loop until `stop()`. Blocking: call it on its own thread.
    package func run() {
        let (status, inputs, rules) = driver.withLock { d in
            d.start()
            return (d.statusLine(), d.config.inputs.count, d.config.rules.count)
        }
        doorbell.ring()
        notifier.ready(status: status)
        logger.notice("statusd is running", metadata: ["inputs": "\(inputs)", "rules": "\(rules)"])
        var nextTick = clock() + 1
        // Durations on the monotonic clock: a wall clock stepped back must not stop the pings.
        var lastWatchdog = ContinuousClock.now
        let watchdog = notifier.watchdogPingInterval
        while true {
            // Tick just after each wall-clock second begins: the second that just ended is
            // evaluated within milliseconds of its end, not up to a second later.
            let untilTick = (Double(nextTick) - wallClock()) * 1000 + 2
            let waitMs = Int32(max(0, min(1000, untilTick)))
            let filesChanged = wait(timeoutMs: waitMs)
            if stopRequested.load(ordering: .acquiring) { break }
            let busy = driver.withLock { $0.pass() }
            // Events are handled at once (a new file is opened before it can be rotated away, the
            // first lines of an outage are counted without delay). When that pass found a busy
            // log, the lines written meanwhile gather for a moment and are read in one go next.
            if filesChanged && busy { gather() }
            let t = clock()
            // (A wall clock stepped back is ticked at once, not when it catches up.)
            if t >= nextTick || nextTick - t > 1 {
                notifier.status(driver.withLock { d in
                    d.tick(now: t)
                    return d.statusLine()
                })
                nextTick = t + 1
            }
            if let interval = watchdog, lastWatchdog.duration(to: .now) >= .seconds(interval) {
                notifier.watchdog()
                lastWatchdog = ContinuousClock.now
            }
        }
        notifier.stopping()
        driver.withLock { $0.shutDown() }
        logger.notice("statusd stopped")
    }

    package func stop() {
        stopRequested.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Waits for a file event, a wake-up or the timeout (a quarter of a second at most while
    /// directories are polled); `true` when files changed.
    private func wait(timeoutMs: Int32) -> Bool {
        // The wake pipe and the sources' descriptors (inotify; the syslog sockets, whose
        // datagrams are read as they come: a full receive buffer drops them).
        let (polled, polling) = driver.withLock { d in (d.sourceDescriptors(), !d.tailer.pollingDirectories.isEmpty) }
        var fds = [pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
        for p in polled { fds.append(pollfd(fd: p.fd, events: Int16(POLLIN), revents: 0)) }
        let n = poll(&fds, nfds_t(fds.count), polling ? min(timeoutMs, 250) : timeoutMs)
        if fds[0].revents != 0 { wake.drain() }
        return n > 0 && fds[0].revents == 0 && polled.indices.contains { polled[$0].gathers && fds[$0 + 1].revents != 0 }
    }

    /// Lets more lines arrive after a file event (a stop still ends the wait at once).
    private func gather() {
        var fd = pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&fd, 1, Self.coalesceMs)
        if fd.revents != 0 { wake.drain() }
    }
}
