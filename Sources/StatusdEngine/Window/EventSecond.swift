/// The second a line is counted at: the one home of event-time resolution, for the monitor's
/// per-line and per-second counting and its label groups.
///
/// A line counts at the second it states when its input counts in event time and that second lies
/// within `max_skew` of the arrival; otherwise at its arrival, and a stated time beyond `max_skew`
/// is out of range (counted at arrival, and shown). Compared without subtracting first, so no
/// stated time overflows.
public enum EventSecond {
    /// The second to count at, and whether the stated time was out of range.
    @inlinable @inline(__always)
    public static func resolve(_ time: Int64?, arrival: Int64, timeSource: TimeSource, maxSkew: Int64) -> (second: Int64, outOfRange: Bool) {
        guard let t = time, timeSource == .event else { return (arrival, false) }
        if t > arrival && t - arrival > maxSkew || arrival > t && arrival - t > maxSkew { return (arrival, true) }
        return (t, false)
    }
}
