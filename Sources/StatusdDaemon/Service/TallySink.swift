import StatusdCore

/// Temporary glue: counts the tailer's lines into the pipeline's per-input tallies, applying each
/// input's `time` and `max_skew`, until the pipeline counts through its own sink.
struct TallySink: LineSink {
    var tallies: [String: InputTally]
    let inputs: [InputConfig]

    mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) {
        let cfg = inputs[input]
        tallies[cfg.name, default: InputTally(windowSeconds: 60)]
            .record(result, arrival: arrival, timeSource: cfg.time, maxSkew: cfg.maxSkewSeconds)
    }
}
