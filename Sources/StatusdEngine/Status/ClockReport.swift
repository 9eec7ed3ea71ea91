import StatusdParse
/// What statusd saw of the wall clock (`clock` in `statusd status`): the steps it found by
/// reading the realtime clock against the monotonic one, and the saved evaluation points it did
/// not trust at start. After each, the windows, the evaluation point and the alerts' times were
/// moved with the clock, so neither a step back (blind until real time caught up) nor a step
/// forward (a false `no_traffic` page) follows.
public struct ClockReport: Codable, Sendable, Equatable {
    /// Steps seen since start (including a state file found ahead of the clock).
    public var steps: Int
    /// The last step, signed seconds: negative when the clock went back.
    public var lastStepSeconds: Int64?
    /// `back` or `forward`.
    public var lastStepDirection: String?
    /// When it was seen (ISO 8601, on the clock after the step).
    public var lastStepAt: String?
    /// `running` (seen while watching) or `state_file` (a saved evaluation point ahead of the
    /// clock at start).
    public var lastStepSource: String?

    public init(steps: Int = 0, lastStepSeconds: Int64? = nil, lastStepDirection: String? = nil, lastStepAt: String? = nil,
                lastStepSource: String? = nil) {
        self.steps = steps
        self.lastStepSeconds = lastStepSeconds
        self.lastStepDirection = lastStepDirection
        self.lastStepAt = lastStepAt
        self.lastStepSource = lastStepSource
    }

    enum CodingKeys: String, CodingKey {
        case steps
        case lastStepSeconds = "last_step_seconds", lastStepDirection = "last_step_direction"
        case lastStepAt = "last_step_at", lastStepSource = "last_step_source"
    }

    /// The text status line: `clock: stepped back 1h at 2026-…, re-anchored (1 step seen)`.
    public var line: String? {
        guard steps > 0, let s = lastStepSeconds, let dir = lastStepDirection else { return nil }
        var out = "clock: stepped \(dir) \(DurationText.format(abs(s)))"
        if let at = lastStepAt { out += " at \(at)" }
        if lastStepSource == "state_file" { out += " (state file ahead of the clock at start)" }
        out += ", windows re-anchored (\(steps) step\(steps == 1 ? "" : "s") seen)"
        return out
    }
}
