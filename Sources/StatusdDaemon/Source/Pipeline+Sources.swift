import StatusdCore
#if canImport(Glibc)
import Glibc
#endif

/// The pipeline's passes over its sources (`LogSource`), in the order they were given: the
/// tailer, the journal, the syslog listener, then any a test added.
extension PipelineDriver {
    /// The sum of the sources' generations: it moves when any source read lines or moved.
    var sourcesGeneration: UInt64 { sources.reduce(0) { $0 &+ $1.generation } }

    /// Hands every source the inputs (start and reload).
    func configureSources(now: Int64) {
        for s in sources { s.configure(config.inputs, into: &engine.monitor, now: now) }
    }

    /// Reads what every source has ready.
    func readSources(now: Int64) {
        for s in sources { s.read(into: &engine.monitor, now: now) }
    }

    /// Every source's once-a-second pass.
    func tickSources(now: Int64, fullScan: Bool) {
        for s in sources { s.tick(into: &engine.monitor, now: now, fullScan: fullScan) }
    }

    /// The descriptors the loop polls after its wake pipe, each with whether its source's lines
    /// may gather after an event (`LogSource.keepsUnread`).
    func sourceDescriptors() -> [(fd: Int32, gathers: Bool)] {
        sources.flatMap { s in s.pollDescriptors.map { (fd: $0, gathers: s.keepsUnread) } }
    }

    /// Takes each source's position back from the state file.
    func restoreSources(from cp: Checkpoint) {
        let seen = Set(cp.inputs.keys)
        for s in sources { s.restore(cp.position(of: s.kind), seenInputs: seen, savedAt: cp.savedAt) }
    }

    /// Puts each source's position in the snapshot being written.
    func recordSources(in cp: inout Checkpoint) {
        for s in sources { cp.record(s.position, of: s.kind) }
    }
}
