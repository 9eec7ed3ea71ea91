extension ContainerUnwrapper {
    /// For replay's one pass over Docker's lines: when `line` is a whole stdout record that the
    /// line-by-line path would hand to the parser as it is (no split line of stdout waiting, not a part itself), appends
    /// the line inside the envelope to `inner` and returns where the runtime's time is in `line`
    /// (empty when it states none). Otherwise appends nothing and returns nil: the caller sends
    /// the line through `unwrap`.
    ///
    /// An inner line the one pass would read differently from `parse` (empty, leading NULs, a
    /// trailing `\r`, or a newline inside an unescaped Docker line) is left to `unwrap` too.
    mutating func appendWholeStdout(_ line: UnsafeRawBufferPointer, to inner: inout [UInt8]) -> Range<Int>? {
        // (CRI records are read in place by the one pass: `CRIEnvelope`.)
        guard wrapper == .docker, !stdoutOpen, let r = DockerRecord.read(line), r.stream == .stdout, !r.partial, !r.log.isEmpty
        else { return nil }
        let mark = inner.count
        if r.escaped {
            guard DockerRecord.unescape(line, r.log, into: &inner, limit: mark + maxLineBytes) else {
                inner.removeSubrange(mark...)
                return nil
            }
            // An escaped newline inside the line would end it early in one pass.
            if inner[mark...].contains(0x0A) {
                inner.removeSubrange(mark...)
                return nil
            }
        } else {
            inner.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[r.log]))
        }
        guard inner.count > mark, inner[mark] != 0, inner[inner.count - 1] != ASCII.cr else {
            inner.removeSubrange(mark...)
            return nil
        }
        inner.append(0x0A)
        return r.time ?? 0..<0
    }
}
