/// Where decoded lines go. The tailer and replay hand each line's result to a sink, which counts
/// it: tailing and parsing know nothing of windows or rules.
public protocol LineSink {
    /// `input` is the input's position in the config's `inputs`; `arrival` is the clock when read (Unix seconds).
    mutating func accept(_ result: ParseResult, input: Int, arrival: Int64)
    /// The same, with the line's bytes (without its newline), valid only during the call: a sink
    /// that needs more than the status (labels: virtual host, path, upstream) re-reads them.
    mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input: Int, arrival: Int64)
    /// The lines that follow, of `input`, come from this pod's container log (nil: a file that is
    /// none): a sink grouping by `pod`, `namespace` or `container` labels them with it.
    mutating func enterSource(_ pod: PodLabels?, input: Int)
}

extension LineSink {
    /// Sinks that need only the status ignore the bytes.
    @inline(__always)
    public mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input: Int, arrival: Int64) {
        accept(result, input: input, arrival: arrival)
    }

    /// Sinks that do not group by pod ignore where lines come from.
    @inline(__always)
    public mutating func enterSource(_ pod: PodLabels?, input: Int) {}
}
