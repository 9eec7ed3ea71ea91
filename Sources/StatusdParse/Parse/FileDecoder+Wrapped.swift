extension FileDecoder {
    /// Replay's pass over a container log, counting exactly what the line-by-line path counts
    /// (the fuzzer checks it). CRI records are read in place by the parser's one pass
    /// (`CRIEnvelope`) until a record it cannot hand over; Docker's whole stdout lines are
    /// unescaped into `batch` and counted in one pass. Anything else (a part of a split line,
    /// stderr, a foreign line, any line while a split stdout line is open) goes through
    /// `unwrapped` one by one, in order.
    static func tallyWrapped<P: OnePassParser>(_ chunk: UnsafeRawBufferPointer, _ assembler: inout LineAssembler,
                                               _ wrapper: inout ContainerUnwrapper, _ batch: inout WrappedBatch,
                                               _ parser: inout P, _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
        assembler.feed(chunk, line: { line in
            unwrapped(line, &wrapper, &parser) { r, _ in open.add(r, closed: &closed) }
        }, lines: { span in
            guard let base = span.baseAddress else { return }
            let count = span.count
            var start = 0
            while start < count {
                if wrapper.wrapper == .cri, !wrapper.stdoutOpen {
                    start += parser.tally(lines: UnsafeRawBufferPointer(rebasing: span[start...]), open: &open, closed: &closed,
                                          envelope: CRIEnvelope())
                    if start >= count { break }
                }
                let end = start + (memchrNewline(base + start, count - start) ?? (count - start))
                if let line = LineAssembler.trimmed(UnsafeRawBufferPointer(start: base + start, count: end - start)) {
                    let at = batch.inner.count
                    if let time = wrapper.appendWholeStdout(line, to: &batch.inner) {
                        let shift = line.baseAddress! - base
                        batch.starts.append(at)
                        batch.times.append((time.lowerBound + shift)..<(time.upperBound + shift))
                        if batch.inner.count >= WrappedBatch.maxBytes { countBatch(&batch, base, &parser, &open, &closed) }
                    } else {
                        countBatch(&batch, base, &parser, &open, &closed)
                        unwrapped(line, &wrapper, &parser) { r, _ in open.add(r, closed: &closed) }
                    }
                }
                start = end + 1
            }
            countBatch(&batch, base, &parser, &open, &closed)
        })
    }

    /// Counts the gathered lines in one pass and empties the batch.
    private static func countBatch<P: OnePassParser>(_ batch: inout WrappedBatch, _ envelopes: UnsafeRawPointer, _ parser: inout P,
                                                     _ open: inout SecondRuns.Open, _ closed: inout SecondRuns.Closed) {
        guard !batch.isEmpty else { return }
        batch.inner.withUnsafeBytes { inner in
            batch.starts.withUnsafeBufferPointer { starts in
                batch.times.withUnsafeBufferPointer { times in
                    parser.tally(lines: inner, open: &open, closed: &closed,
                                 envelope: RuntimeTimes(starts: starts, times: times, envelopes: envelopes))
                }
            }
        }
        batch.removeAll()
    }
}
