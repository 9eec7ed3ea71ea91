import Synchronization

/// Wakes the delivery loops when the pipeline queues a notification or the sinks change, or
/// after a timeout: no polling while nothing is due. Any number of loops wait on it; each passes
/// the generation it has seen and returns once a ring is newer.
final class Doorbell: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits that timed out or were cancelled before they were registered.
        var fired: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    init() {}

    var generation: UInt64 { state.withLock { $0.generation } }

    func ring() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            let w = Array(s.waiters.values)
            s.waiters = [:]
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns the generation once it differs from `seen` (at once if it does already), after
    /// `seconds`, or when the task is cancelled.
    @discardableResult
    func wait(after seen: UInt64, seconds: Double) async -> UInt64 {
        let id = state.withLock { s -> Int in
            s.nextID &+= 1
            return s.nextID
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            if !Task.isCancelled { self?.fire(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.generation != seen || s.fired.remove(id) != nil { return true }
                    s.waiters[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            fire(id)
        }
        timer.cancel()
        return state.withLock { s in
            s.fired.remove(id)
            return s.generation
        }
    }

    private func fire(_ id: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiters.removeValue(forKey: id) { return w }
            s.fired.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
