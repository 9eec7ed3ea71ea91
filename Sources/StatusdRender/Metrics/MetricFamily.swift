/// One metric statusd exports to Prometheus: its name, kind, help text and label names.
///
/// The list in `all` is the contract with dashboards and alerting rules (README, Config/examples/
/// prometheus): a sample names its family, so a name cannot be exported without being listed here.
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable { case counter, gauge }

    public let name: String
    public let kind: Kind
    public let help: String
    public let labels: [String]

    init(_ name: String, _ kind: Kind, _ labels: [String], _ help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
    }

    public static let buildInfo = MetricFamily("statusd_build_info", .gauge, ["version"], "Always 1; the label names the running statusd version.")
    public static let uptime = MetricFamily("statusd_uptime_seconds", .gauge, [], "Seconds since this statusd process started.")
    public static let reloadOK = MetricFamily("statusd_config_last_reload_successful", .gauge, [], "1 when the last config reload succeeded (or none was tried), 0 after a rejected one.")
    public static let silences = MetricFamily("statusd_silences", .gauge, [], "Silences in force (statusd silence add).")

    public static let lines = MetricFamily("statusd_lines_total", .counter, ["input"], "Log lines read, including those not understood and those ignored.")
    public static let requests = MetricFamily("statusd_requests_total", .counter, ["input", "class"], "Requests counted from the log, by status class (1xx-5xx; other: 000-099 and 600-999).")
    public static let requestsByCode = MetricFamily("statusd_requests_by_code_total", .counter, ["input", "code"], "Requests by status code, for the codes that matter: 000, 444, 460, 499 and every 5xx seen.")
    public static let unparsed = MetricFamily("statusd_unparsed_lines_total", .counter, ["input"], "Lines the input's format did not understand.")
    public static let tooLate = MetricFamily("statusd_too_late_lines_total", .counter, ["input"], "Lines whose time was older than the window when read.")
    public static let outOfRange = MetricFamily("statusd_out_of_range_lines_total", .counter, ["input"], "Lines whose stated time was beyond max_skew from the clock.")
    public static let bytesBehind = MetricFamily("statusd_bytes_behind", .gauge, ["input"], "Bytes written to the input's files that statusd has not read yet.")
    public static let linesPerSecond = MetricFamily("statusd_lines_per_second", .gauge, ["input"], "Lines read per second, recently.")

    public static let ruleInfo = MetricFamily("statusd_rule_info", .gauge, ["rule", "condition", "severity"], "Always 1; the rule's condition kind and severity.")
    public static let ruleValue = MetricFamily("statusd_rule_value", .gauge, ["rule", "group", "track"], "The rule's current figure per alert (a rate as a fraction, or a count), against statusd_rule_limit.")
    public static let ruleLimit = MetricFamily("statusd_rule_limit", .gauge, ["rule", "group", "track"], "The figure above which the alert fires.")
    public static let ruleState = MetricFamily("statusd_rule_state", .gauge, ["rule", "group", "track", "state"], "1 for the alert's current state (ok, pending or firing), 0 for the others.")
    public static let ruleSeriesOmitted = MetricFamily("statusd_rule_series_omitted", .gauge, ["rule"], "Alerts of the rule left out of the rule metrics by the per-rule series cap.")

    public static let sinkDelivered = MetricFamily("statusd_sink_delivered_total", .counter, ["sink", "type"], "Notifications the sink delivered.")
    public static let sinkFailed = MetricFamily("statusd_sink_failed_total", .counter, ["sink", "type"], "Delivery attempts to the sink that failed.")
    public static let sinkQueued = MetricFamily("statusd_sink_queued", .gauge, ["sink", "type"], "Notifications waiting for the sink in the outbox.")
    public static let sinkState = MetricFamily("statusd_sink_state", .gauge, ["sink", "type", "state"], "1 for the sink's current state (ok, retrying or disabled), 0 for the others.")

    /// Every family, in the order the README lists them.
    public static let all: [MetricFamily] = [
        buildInfo, uptime, reloadOK, silences,
        lines, requests, requestsByCode, unparsed, tooLate, outOfRange, bytesBehind, linesPerSecond,
        ruleInfo, ruleValue, ruleLimit, ruleState, ruleSeriesOmitted,
        sinkDelivered, sinkFailed, sinkQueued, sinkState,
        degraded,
    ]
}

extension MetricFamily {
    /// statusd's own health: 1 per degradation kind while one holds (`health` in status), 0 otherwise.
    public static let degraded = MetricFamily("statusd_degraded", .gauge, ["cause"], "1 while statusd is degraded for this cause (state not writable, a sink retrying, ...), 0 otherwise; see health in statusd status.")
}
