/// One input as the monitor counts it: how to read its times, and its tally.
public struct MonitoredInput: Sendable {
    public let name: String
    public let timeSource: TimeSource
    /// Stated times further than this from the arrival clock are counted at arrival.
    public let maxSkew: Int64
    public internal(set) var tally: InputTally

    public init(config: InputConfig, windowSeconds: Int) {
        name = config.name
        timeSource = config.time
        maxSkew = config.maxSkewSeconds
        tally = InputTally(windowSeconds: windowSeconds)
    }

    public init(name: String, timeSource: TimeSource, maxSkew: Int64, tally: InputTally) {
        self.name = name
        self.timeSource = timeSource
        self.maxSkew = maxSkew
        self.tally = tally
    }
}
