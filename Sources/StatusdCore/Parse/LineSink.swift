/// Where decoded lines go. The tailer and replay hand each line's result to a sink, which counts
/// it: tailing and parsing know nothing of windows or rules.
public protocol LineSink {
    /// `input` is the input's position in the config's `inputs`; `arrival` is the clock when read (Unix seconds).
    mutating func accept(_ result: ParseResult, input: Int, arrival: Int64)
}
