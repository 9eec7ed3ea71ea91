import Logging
import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

extension Pipeline {
    /// Seconds on CLOCK_MONOTONIC (since boot, never stepped).
    static func monotonicSeconds() -> Int64 {
        var mono = timespec()
        clock_gettime(CLOCK_MONOTONIC, &mono)
        return Int64(mono.tv_sec)
    }
}

extension PipelineDriver {
    /// Reads the realtime and monotonic clocks for the monitor, which finds wall-clock steps and
    /// moves its windows with them (`Monitor+Time.swift`); a step is logged. Called before the
    /// wall clock is read for the lines that follow. `true` when it stepped.
    @discardableResult
    func watchClock() -> Bool {
        var rt = timespec(), mono = timespec()
        clock_gettime(CLOCK_REALTIME, &rt)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        let realtime = Int64(rt.tv_sec) * 1_000_000_000 + Int64(rt.tv_nsec)
        let monotonic = Int64(mono.tv_sec) * 1_000_000_000 + Int64(mono.tv_nsec)
        guard let step = engine.monitor.observeClock(realtimeNs: realtime, monotonicNs: monotonic) else { return false }
        logger.warning("the wall clock stepped \(step < 0 ? "back" : "forward") \(DurationText.format(abs(step))); windows, evaluation point and alert times moved with it",
                       metadata: ["step_seconds": "\(step)"])
        return true
    }

    /// After a state file was restored: an evaluation point ahead of the clock (it went back while
    /// statusd was stopped) is not trusted; the monitor moves its state back to the clock.
    func distrustSavedFuture(now: Int64) {
        guard let step = engine.monitor.distrustFuture(now: now) else { return }
        logger.warning("the state file's evaluation point is \(DurationText.format(-step)) ahead of the clock (stepped back while stopped?); windows and alert times moved back to the clock",
                       metadata: ["step_seconds": "\(step)"])
    }
}
