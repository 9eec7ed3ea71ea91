/// How many seconds a ring of per-second buckets holds: the one formula for an input's ring
/// (`Monitor.ringSeconds`) and for a label group's own ring (`Monitor.groupRing`).
///
/// The ring must hold the longest exact window summed over it, plus the lateness accepted (a
/// line that late still lands in its own second while the window over it is summed), plus two:
/// the second being evaluated and the one leaving the window as the sums slide.
public enum RingLength {
    /// The window when no rule watches (an input nobody reads yet still counts), and the lateness
    /// when there is no input to take it from: `max_lateness`'s default.
    public static let fallback: Int64 = 60

    /// The ring's length in seconds for sums over `window` seconds of lines up to `lateness` late.
    public static func seconds(window: Int64, lateness: Int64) -> Int {
        Int(window + lateness) + 2
    }

    /// The ring of an input: the longest exact window of `windows` (the rules that watch it;
    /// `fallback` when none) with the input's own lateness.
    public static func seconds(windows: some Sequence<Int64>, lateness: Int64) -> Int {
        seconds(window: windows.max() ?? fallback, lateness: lateness)
    }

    /// The ring of one window summed over several inputs: the largest lateness among them
    /// (`fallback` when none).
    public static func seconds(window: Int64, latenesses: some Sequence<Int64>) -> Int {
        seconds(window: window, lateness: latenesses.max() ?? fallback)
    }
}
