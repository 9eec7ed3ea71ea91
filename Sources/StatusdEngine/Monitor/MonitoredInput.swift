/// One input as the monitor counts it: how to read its times, and its tally.
public struct MonitoredInput: Sendable {
    public let name: String
    public let timeSource: TimeSource
    /// Stated times further than this from the arrival clock are counted at arrival.
    public let maxSkew: Int64
    public internal(set) var tally: InputTally
    /// Requests stamped after the arrival clock (a drifted host, a client-supplied time): counted
    /// in the totals at once, put in their own second's bucket once the arrival clock reaches it,
    /// so they never move the window ahead (`Monitor+Time.swift`).
    var ahead: [AheadCount] = []
    /// The second from which this input was watched: absence (`no_traffic`) is proven only over
    /// seconds after it. `.min`: since before this process (resumed from an old state file); nil:
    /// not yet evaluated.
    public internal(set) var watchedSince: Int64?

    public init(config: InputConfig, windowSeconds: Int) {
        name = config.name
        timeSource = config.time
        maxSkew = config.maxSkewSeconds
        tally = InputTally(windowSeconds: windowSeconds)
    }
}
