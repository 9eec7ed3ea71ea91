import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `statusd replay --threads N`: a file's bytes cut into parts at line boundaries, each part parsed
/// on its own thread into per-second runs, the runs then replayed in order. The result is the same
/// as reading the file in one go, because every part starts at the start of a line with a fresh
/// parser of the same format; formats whose lines may depend on earlier lines are not split:
/// W3C and CloudFront (`#Fields:` headers) and JSON (an object may go on over several lines).
public enum SplitTally {
    /// Formats whose lines parse the same whatever came before them.
    public static func splittable(_ format: LogFormat) -> Bool {
        switch format {
        case .combined, .common, .alb, .haproxy: return true
        // JSON: an object may go on over several lines, across a cut. W3C: `#Fields:` headers.
        case .json, .nginxJSON, .caddy, .traefik, .cloudflare, .akamai: return false
        case .w3c, .cloudfront, .regex, .auto: return false
        }
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
    /// order, as soon as that part and every part before it are done (the merge overlaps the
    /// parsing of later parts). Returns what `auto` detected (nil for other formats), or nil, without
    /// calling `merge`, when the file cannot be split: a format that keeps state across lines, or
    /// `auto` that did not settle on a splittable format in the first megabyte. `release` sees each
    /// parsed slice (replay drops the pages it read from its resident set).
    public static func tally(_ bytes: UnsafeRawBufferPointer, format: LogFormat, options: FormatOptions,
                             maxLineBytes: Int, threads: Int,
                             release: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
                             merge: (SecondRuns) -> Void) -> LogFormat?? {
        // The format of the parts after the first: auto's choice, made on the file's first lines.
        var later = format
        var laterOptions = options
        if format == .auto {
            var probe = FileDecoder(format: .auto, maxLineBytes: maxLineBytes)
            let head = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 1 << 20)])
            probe.parse(head) { _ in }
            guard let detected = probe.detectedFormat, detected != .auto else { return nil }
            later = detected
            laterOptions = FormatOptions()
        }
        guard splittable(later), threads > 1 else { return nil }
        // A few parts per thread, so that the merge of the first ones overlaps the parsing of the rest.
        let all = boundaries(bytes, parts: threads * 4)
        // With auto, the first part holds the first megabyte, where it decided.
        let cuts = format == .auto ? [0] + all.dropFirst().filter { $0 >= min(bytes.count, 1 << 20) } : all
        let count = cuts.count - 1
        let work = Work(count: count)
        let shared = SharedBytes(bytes: bytes)
        let (firstFormat, laterFormat, firstOptions, partOptions) = (format, later, options, laterOptions)
        // Threads of their own: the caller may itself run on a pool thread (async main), and a
        // pool as wide as the cores would then leave one core idle while the caller waits.
        var workers: [PartThread] = []
        for _ in 0..<min(threads, count) {
            workers.append(PartThread {
                while let k = work.next() {
                    var decoder = FileDecoder(format: k == 0 ? firstFormat : laterFormat, options: k == 0 ? firstOptions : partOptions,
                                              maxLineBytes: maxLineBytes)
                    let runs = SecondRuns()
                    let part = UnsafeRawBufferPointer(rebasing: shared.bytes[cuts[k]..<cuts[k + 1]])
                    var at = 0
                    while at < part.count {
                        let end = min(part.count, at + (16 << 20))
                        let slice = UnsafeRawBufferPointer(rebasing: part[at..<end])
                        decoder.tally(slice, into: runs)
                        release?(slice)
                        at = end
                    }
                    decoder.flush(into: runs)
                    runs.close()
                    work.finish(k, runs: runs, detected: decoder.detectedFormat)
                }
            })
        }
        var detected: LogFormat?
        for k in 0..<count {
            let (runs, d) = work.wait(k)
            if k == 0 { detected = d }
            merge(runs)
        }
        for w in workers { w.join() }
        return .some(detected)
    }

    /// The parts: which one to parse next, and each one's runs once parsed.
    private final class Work: @unchecked Sendable {
        private var runs: [SecondRuns?]
        private var detected: [LogFormat?]
        private var nextPart = 0
        private let done: [DispatchSemaphore]
        private let lock = PartsLock()

        init(count: Int) {
            runs = Array(repeating: nil, count: count)
            detected = Array(repeating: nil, count: count)
            done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        }

        func next() -> Int? {
            lock.withLock {
                guard nextPart < runs.count else { return nil }
                defer { nextPart += 1 }
                return nextPart
            }
        }

        func finish(_ k: Int, runs r: SecondRuns, detected d: LogFormat?) {
            lock.withLock {
                runs[k] = r
                detected[k] = d
            }
            done[k].signal()
        }

        /// Part `k`'s runs, once parsed; its slot is emptied.
        func wait(_ k: Int) -> (SecondRuns, LogFormat?) {
            done[k].wait()
            return lock.withLock {
                defer { runs[k] = nil }
                return (runs[k]!, detected[k])
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

/// A pthread mutex (the core does not import Foundation).
private final class PartsLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
