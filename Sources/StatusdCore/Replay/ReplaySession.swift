/// Runs rules over existing logs in event time, as fast as they can be read: what `statusd
/// replay` does to tune limits on last week's logs, and how tests check formats and alerts.
///
/// Lines advance the clock: before a line of second `t` is counted, every second up to `t - 1`
/// is evaluated, so transitions get the times live tailing would have given them.
public struct ReplaySession: Sendable {
    public private(set) var tally: InputTally
    private var engine: RuleEngine
    private let longestWindow: Int64
    /// The newest event time seen; lines without a time are counted at it.
    public private(set) var watermark: Int64?
    public private(set) var firstTime: Int64?
    private var evaluatedThrough: Int64?
    public private(set) var timeline: [AlertEvent] = []
    public private(set) var lines: UInt64 = 0
    public private(set) var linesWithoutTime: UInt64 = 0
    private let inputName: String

    public init(rules: [Rule], inputName: String = "replay") {
        let longest = rules.map(\.window).max() ?? 300
        longestWindow = longest
        tally = InputTally(windowSeconds: Int(longest) + 1)
        engine = RuleEngine(rules: rules)
        self.inputName = inputName
    }

    public var rules: [Rule] { engine.rules }
    public var states: [String: AlertState] { engine.states }

    /// Feeds one parsed line.
    public mutating func add(_ result: ParseResult) {
        lines &+= 1
        if case .entry(_, let time) = result {
            if let t = time {
                advance(to: t - 1)
                if watermark == nil || t > watermark! { watermark = t }
                if firstTime == nil { firstTime = t }
            } else {
                linesWithoutTime &+= 1
            }
        }
        tally.record(result, arrival: watermark ?? 0, timeSource: .event, maxSkew: .max)
    }

    /// Evaluates through the last second seen. Call once at the end.
    public mutating func finish() {
        if let w = watermark { advance(to: w) }
    }

    /// Evaluates every second up to `t`. Quiet stretches longer than the longest window, with
    /// every rule ok, are skipped: nothing can change there.
    private mutating func advance(to t: Int64) {
        guard var s = evaluatedThrough.map({ $0 + 1 }) ?? watermark else { return }
        guard s <= t else { return }
        tally.flush()
        while s <= t {
            if let newest = tally.window.newest.nonNegative, s - newest > longestWindow,
               engine.states.values.allSatisfy({ $0.phase == .ok }) {
                s = t
            }
            timeline += engine.evaluate([(inputName, tally)], now: s)
            s += 1
        }
        evaluatedThrough = t
    }
}

extension Int64 {
    var nonNegative: Int64? { self == .min ? nil : self }
}
