import Foundation
import StatusdCore
import StatusdFiles

extension Replay {
    /// Files smaller than this are read on one thread: splitting them gains nothing.
    static let splitMinimumBytes = 8 << 20

    /// Replays a large plain file in parts on `threads` threads (default: the cores), merging the
    /// parts' per-second runs in order into `session`. Returns the format `auto` detected (the
    /// file's own format otherwise), or nil when the file was not split (small, compressed, one
    /// thread, `regex`, or a JSON or W3C file whose parts did not agree with one go: an object over
    /// several lines, a `#Fields:` header that changes) and must be read in one go. Nothing is
    /// merged into `session` then. Throws when the file shrank while its parts were read.
    static func replayInParts(_ reader: LogFileReader, plan: FilePlan, threads: Int?, into session: inout ReplaySession) throws -> LogFormat?? {
        let n = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard n > 1, let bytes = reader.mapped, bytes.count >= splitMinimumBytes else { return nil }
        var merged = session
        let detected = SplitTally.tally(bytes, format: plan.format, options: plan.options, maxLineBytes: plan.maxLineBytes,
                                        threads: n, release: { LogFileReader.dropBehind($0) },
                                        lost: reader.lostBytes) { merged.add($0) }
        // Parts that met a cut read empty lines there: nothing is merged then.
        try reader.checkIntact()
        session = merged
        return detected
    }
}
