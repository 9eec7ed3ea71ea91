import StatusdParse
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `statusd replay --threads N`: a file's bytes cut into parts at line boundaries, each part parsed
/// on its own thread into per-second runs, the runs then replayed in order. The result is the same
/// as reading the file in one go, because every part starts at the start of a line with a parser
/// in the state the one-go parser is in there:
/// - combined, common, ALB, HAProxy: a fresh parser, since their lines read the same whatever came
///   before them;
/// - JSON: a fresh parser, and no part saw an object go on over several lines (one across a cut is
///   seen by the part before the cut, which reads its start);
/// - W3C and CloudFront: a fresh parser primed with the file's header lines (`#Fields:`, `#Date:`),
///   and no part saw a header line change how later lines read.
/// When a JSON or W3C file turns out otherwise, the parts' runs are thrown away unmerged and the
/// caller reads the file in one go: one parse wasted, the price of an exact answer.
public enum SplitTally {
    /// Formats whose lines parse the same whatever came before them: split with nothing to check.
    public static func alwaysExact(_ format: LogFormat) -> Bool {
        switch format {
        case .combined, .common, .alb, .haproxy, .nginx, .apache: return true
        case .json, .nginxJSON, .caddy, .traefik, .cloudflare, .akamai, .w3c, .cloudfront, .regex, .auto: return false
        }
    }

    /// Formats that are split: the ones above, and JSON, W3C and CloudFront, checked after parsing.
    public static func splittable(_ format: LogFormat) -> Bool {
        alwaysExact(format) || format.isJSON || format == .w3c || format == .cloudfront
    }

    /// What every part must show for the parts to give what one go gives.
    enum PartCheck: Sendable {
        /// combined, common, ALB, HAProxy.
        case none
        /// JSON: no object went on over several lines.
        case singleLineObjects
        /// W3C, CloudFront: no header line changed anything beyond the file's own header lines,
        /// which change it `headerChanges` times.
        case headerChanges(Int)

        /// Whether `decoder` (a part's, after some or all of its lines) still agrees with one go.
        func holds(_ decoder: FileDecoder) -> Bool {
            switch self {
            case .none: return true
            case .singleLineObjects:
                return !decoder.sawMultiLineObject
            case .headerChanges(let n): return decoder.headerChanges == n
            }
        }
    }

    /// The leading lines of the file that are headers (or blank): what parts after the first are
    /// primed with. Looks at the first megabyte at most, and at most `limit` bytes.
    static func headerEnd(_ bytes: UnsafeRawBufferPointer, format: LogFormat, options: FormatOptions,
                          maxLineBytes: Int, limit: Int) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var probe = FileDecoder(format: format, options: options, maxLineBytes: maxLineBytes)
        let end = min(bytes.count, limit, 1 << 20)
        var at = 0
        while at < end, let hit = memchr(base + at, 0x0A, end - at) {
            let next = UnsafeRawPointer(hit) - base + 1
            var header = true
            probe.parse(UnsafeRawBufferPointer(rebasing: bytes[at..<next])) { if $0 != .ignored { header = false } }
            guard header else { break }
            at = next
        }
        return at
    }

    /// The part boundaries: `parts + 1` offsets, each part but the last ending just after a newline.
    public static func boundaries(_ bytes: UnsafeRawBufferPointer, parts: Int) -> [Int] {
        var cuts = [0]
        let n = bytes.count
        guard let base = bytes.baseAddress else { return [0, n] }
        for k in 1..<max(1, parts) {
            var at = max(cuts.last!, n / parts * k)
            if at >= n { break }
            guard let hit = memchr(base + at, 0x0A, n - at) else { break }
            at = UnsafeRawPointer(hit) - base + 1
            if at > cuts.last!, at < n { cuts.append(at) }
        }
        cuts.append(n)
        return cuts
    }

    /// Parses `bytes` in parts on `threads` threads and hands each part's runs to `merge` in file
    /// order. Returns what `auto` detected (nil for other formats), or nil, without calling `merge`,
    /// when the file is not split: `regex`, `auto` that did not settle on a splittable format in the
    /// first megabyte, or a JSON or W3C file whose parts did not agree with one go (see the type).
    ///
    /// Formats that are always exact hand a part on as soon as it and every part before it are
    /// done (the merge overlaps the parsing of later parts). JSON and W3C hold every part's runs
    /// until all parts are known to agree: nothing is merged from a split that is then thrown away.
    /// `release` sees each parsed slice (replay drops the pages it read from its resident set).
    /// `partsPerThread`: how many parts each thread gets (tests cut files in many places).
    /// `lost`, asked after each slice: the bytes are no longer the file's (it shrank under a
    /// mapping): the parts stop, and what they counted is the caller's to throw away.
    public static func tally(_ bytes: UnsafeRawBufferPointer, format: LogFormat, options: FormatOptions,
                             maxLineBytes: Int, threads: Int, partsPerThread: Int = 4,
                             release: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
                             lost: (@Sendable () -> Bool)? = nil,
                             merge: (SecondRuns) -> Void) -> LogFormat?? {
        // A container envelope joins split lines across physical ones: a cut could fall inside one. One go.
        guard options.wrapper == .none else { return nil }
        // The format of the parts after the first: auto's choice, made on the file's first lines.
        var later = format
        var laterOptions = options
        if format == .auto {
            var probe = FileDecoder(format: .auto, maxLineBytes: maxLineBytes)
            let head = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 1 << 20)])
            probe.parse(head) { _ in }
            guard let detected = probe.detectedFormat, detected != .auto else { return nil }
            // A shape within the format (`AutoParser.shape`) is not what the format's parser reads: one go.
            guard probe.detectedShape == nil else { return nil }
            later = detected
            // auto's chosen parsers see lines whole: no prefix is removed in the later parts either.
            laterOptions = FormatOptions(prefix: .none)
        }
        guard splittable(later), threads > 1 else { return nil }
        // A few parts per thread, so that the merge of the first ones overlaps the parsing of the rest.
        let all = boundaries(bytes, parts: threads * max(1, partsPerThread))
        // With auto, the first part holds the first megabyte, where it decided.
        let cuts = format == .auto ? [0] + all.dropFirst().filter { $0 >= min(bytes.count, 1 << 20) } : all
        let count = cuts.count - 1
        guard count > 1 else { return nil }
        // Parts after the first start from the file's header lines, parsed and not counted.
        var header = 0
        let check: PartCheck
        if alwaysExact(later) {
            check = .none
        } else if later.isJSON {
            check = .singleLineObjects
        } else {
            header = headerEnd(bytes, format: later, options: laterOptions, maxLineBytes: maxLineBytes, limit: cuts[1])
            var primed = FileDecoder(format: later, options: laterOptions, maxLineBytes: maxLineBytes)
            primed.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<header])) { _ in }
            check = .headerChanges(primed.headerChanges)
        }
        let work = Work(count: count)
        let shared = SharedBytes(bytes: bytes)
        let (firstFormat, laterFormat, firstOptions, partOptions, headerBytes) = (format, later, options, laterOptions, header)
        // Threads of their own: the caller may itself run on a pool thread (async main), and a
        // pool as wide as the cores would then leave one core idle while the caller waits.
        var workers: [PartThread] = []
        for _ in 0..<min(threads, count) {
            workers.append(PartThread {
                while let k = work.next() {
                    var decoder = FileDecoder(format: k == 0 ? firstFormat : laterFormat, options: k == 0 ? firstOptions : partOptions,
                                              maxLineBytes: maxLineBytes)
                    if k > 0, headerBytes > 0 { decoder.parse(UnsafeRawBufferPointer(rebasing: shared.bytes[0..<headerBytes])) { _ in } }
                    let runs = SecondRuns()
                    let part = UnsafeRawBufferPointer(rebasing: shared.bytes[cuts[k]..<cuts[k + 1]])
                    var at = 0
                    var exact = true
                    while at < part.count, exact {
                        // Another part did not agree: this one's runs will be thrown away too.
                        if work.abandoned { exact = false; break }
                        let end = min(part.count, at + (16 << 20))
                        let slice = UnsafeRawBufferPointer(rebasing: part[at..<end])
                        decoder.tally(slice, into: runs)
                        release?(slice)
                        at = end
                        exact = check.holds(decoder)
                        if lost?() == true { exact = false }
                    }
                    if exact {
                        decoder.flush(into: runs)
                        runs.close()
                        exact = check.holds(decoder)
                    }
                    work.finish(k, runs: runs, detected: decoder.detectedFormat, exact: exact)
                }
            })
        }
        var detected: LogFormat?
        var exact = true
        if case .none = check {
            for k in 0..<count {
                // Not exact only when `lost` said so: the later parts may never be parsed.
                let (runs, d, partExact) = work.wait(k)
                if k == 0 { detected = d }
                guard partExact else { exact = false; break }
                merge(runs)
            }
        } else {
            // Held until every part is known to agree with one go (per-second runs are small: a few
            // hundred kB per GB). A split thrown away costs the parsing done until then, at most one
            // parse of the file (workers stop at the next 16 MB slice); the caller then reads it in one go.
            var held: [SecondRuns] = []
            for k in 0..<count {
                let (runs, d, partExact) = work.wait(k)
                if k == 0 { detected = d }
                guard partExact else { exact = false; break }
                held.append(runs)
            }
            if exact { for runs in held { merge(runs) } }
        }
        for w in workers { w.join() }
        return exact ? .some(detected) : nil
    }

    /// The parts: which one to parse next, and each one's runs once parsed.
    private final class Work: Sendable {
        private struct State: ~Copyable {
            var runs: [SecondRuns?]
            var detected: [LogFormat?]
            var exact: [Bool]
            var nextPart = 0
        }
        private let state: Mutex<State>
        private let done: [DispatchSemaphore]

        init(count: Int) {
            state = Mutex(State(runs: Array(repeating: nil, count: count), detected: Array(repeating: nil, count: count),
                                exact: Array(repeating: true, count: count)))
            done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        }

        /// Whether a part did not agree with one go: the split is thrown away, nothing more is needed.
        var abandoned: Bool { state.withLock { $0.exact.contains(false) } }

        /// The next part to parse; none once the split is abandoned.
        func next() -> Int? {
            state.withLock { s -> Int? in
                guard s.nextPart < s.runs.count, !s.exact.contains(false) else { return nil }
                defer { s.nextPart += 1 }
                return s.nextPart
            }
        }

        func finish(_ k: Int, runs r: SecondRuns, detected d: LogFormat?, exact e: Bool) {
            state.withLock { s in
                s.runs[k] = r
                s.detected[k] = d
                s.exact[k] = e
            }
            done[k].signal()
        }

        /// Part `k`'s runs, once parsed, and whether it agreed with one go; its slot is emptied.
        /// Wait only for parts up to the first that did not agree: later ones may never be parsed.
        func wait(_ k: Int) -> (SecondRuns, LogFormat?, Bool) {
            done[k].wait()
            return state.withLock { s in
                defer { s.runs[k] = nil }
                return (s.runs[k]!, s.detected[k], s.exact[k])
            }
        }
    }

    private struct SharedBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
}

/// A thread running `body` (the core does not import Foundation).
private final class PartThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<PartThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, context)
        if started != 0 {
            // No thread: run it here.
            Unmanaged<PartThread>.fromOpaque(context).release()
            body()
            thread = pthread_t()
        }
    }

    func join() {
        if thread != pthread_t() { pthread_join(thread, nil) }
    }
}
