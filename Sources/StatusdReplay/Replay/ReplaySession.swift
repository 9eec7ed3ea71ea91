import StatusdParse
import StatusdEngine
/// Runs rules over existing logs in event time, as fast as they can be read: what `statusd
/// replay` does to tune limits on last week's logs, and how tests check formats and alerts.
///
/// It drives the same `Monitor` as the daemon, with the lines' own times as the clock: before a
/// line of second `t` is counted, every second up to `t - 1` is evaluated, so transitions get the
/// times live tailing gives them.
public struct ReplaySession: Sendable {
    private var monitor: Monitor
    /// The newest event time seen; lines without a time are counted at it.
    public private(set) var watermark: Int64?
    public private(set) var firstTime: Int64?
    public private(set) var timeline: [AlertTransition] = []
    public private(set) var lines: UInt64 = 0
    public private(set) var linesWithoutTime: UInt64 = 0

    public init(rules: [Rule], inputName: String = "replay", chart: Bool = false) {
        var input = InputConfig(name: inputName, paths: [])
        input.maxSkewSeconds = .max
        monitor = Monitor(inputs: [input], rules: rules, clock: .lines)
        if chart { monitor.trace = ChartTrace() }
    }

    /// Every rule's figure over time, when made with `chart: true`.
    public var chart: ChartTrace? { monitor.trace }

    public var rules: [Rule] { monitor.rules.map(\.rule) }
    public var states: [String: AlertState] {
        Dictionary(uniqueKeysWithValues: monitor.rules.map { ($0.rule.name, $0.state) })
    }
    /// The counts: totals since the start and the window.
    public var tally: InputTally { monitor.tally(of: monitor.inputs[0].name)! }

    /// Feeds one parsed line.
    public mutating func add(_ result: ParseResult) {
        lines &+= 1
        if case .entry(_, let time) = result {
            if let t = time {
                if watermark == nil || t > watermark! { watermark = t }
                if firstTime == nil { firstTime = t }
            } else {
                linesWithoutTime &+= 1
            }
        }
        monitor.accept(result, input: 0, arrival: watermark ?? 0)
        collect()
    }

    /// Feeds closed runs of lines in order, then forgets them: the same as feeding their lines one by
    /// one with `add`, with the monitor's work done once per run instead of once per line.
    public mutating func add(_ runs: SecondRuns) {
        runs.entries.withUnsafeBufferPointer { entries in
            for run in runs.runs {
                lines &+= run.lines
                if run.count > 0 {
                    let time: Int64?
                    if run.second == SecondRuns.atWatermark {
                        time = nil
                        linesWithoutTime &+= run.lines &- run.ignored &- run.unparsed
                    } else {
                        time = run.second
                        if watermark == nil || run.second > watermark! { watermark = run.second }
                        if firstTime == nil { firstTime = run.second }
                    }
                    monitor.accept(codes: UnsafeBufferPointer(rebasing: entries[run.first..<(run.first + run.count)]),
                                   time: time, input: 0, arrival: watermark ?? 0)
                }
                if run.ignored | run.unparsed != 0 { monitor.acceptUncounted(ignored: run.ignored, unparsed: run.unparsed, input: 0) }
                collect()
            }
        }
        runs.removeAll()
    }

    /// Evaluates through the last second seen. Call once at the end.
    public mutating func finish() {
        monitor.finish()
        collect()
    }

    /// Evaluates through `second` (after the last line): a log that stops is quiet until then,
    /// which flatline rules need to see.
    public mutating func finish(through second: Int64) {
        monitor.finish()
        monitor.advance(wallClock: second + 1)
        collect()
    }

    private mutating func collect() {
        let new = monitor.takeTransitions()
        if !new.isEmpty { timeline += new }
    }
}

extension ReplaySession: LineSink {
    public mutating func accept(_ result: ParseResult, input: Int, arrival: Int64) { add(result) }

    /// A line with its bytes: rules that group by labels (`group_by: [host]`) read them.
    public mutating func accept(_ result: ParseResult, line: UnsafeRawBufferPointer, input: Int, arrival: Int64) {
        add(result, line: line)
    }
}

extension ReplaySession {
    /// `true` when a rule groups by a per-line label: lines must then be fed one by one with their
    /// bytes (`accept(_:line:...)`), not in per-second runs.
    public var needsLines: Bool { monitor.rules.contains { $0.rule.groupsByLabel } }

    /// The format of the file being replayed next, for reading labels.
    public mutating func readLabels(as format: LogFormat, options: FormatOptions) {
        monitor.setLabelFormat(format, options: options, input: 0)
    }

    /// Feeds one parsed line and its bytes.
    public mutating func add(_ result: ParseResult, line: UnsafeRawBufferPointer) {
        lines &+= 1
        if case .entry(_, let time) = result {
            if let t = time {
                if watermark == nil || t > watermark! { watermark = t }
                if firstTime == nil { firstTime = t }
            } else {
                linesWithoutTime &+= 1
            }
        }
        monitor.accept(result, line: line, input: 0, arrival: watermark ?? 0)
        collect()
    }
}
