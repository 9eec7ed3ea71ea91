import StatusdEngine
/// The status report as Prometheus series: what `statusd status` shows, in numbers a fleet's
/// Prometheus can aggregate. Pure: the daemon takes a report at scrape time and folds these in.
extension StatusReport {
    /// Alerts of one rule exported at most: group values come from logs (hosts, paths), and a rule's
    /// own `max_groups` already folds the rest into `other`; this cap bounds what reaches Prometheus
    /// even for a rule configured with a large `max_groups`.
    public static let maxSeriesPerRule = 100

    /// The codes exported one by one besides their class: aborts and CDN codes, and every 5xx.
    public static func isCodeThatMatters(_ code: String) -> Bool {
        ["000", "444", "460", "499"].contains(code) || (code.count == 3 && code.hasPrefix("5"))
    }

    public func metricSamples(maxSeriesPerRule: Int = Self.maxSeriesPerRule) -> [MetricSample] {
        var out: [MetricSample] = [
            MetricSample(.buildInfo, [version], .gauge(1)),
            MetricSample(.uptime, [], .gauge(Double(uptimeSeconds))),
            MetricSample(.reloadOK, [], .gauge(lastReloadError == nil ? 1 : 0)),
            MetricSample(.silences, [], .gauge(Double(silences?.count ?? 0))),
        ]
        for input in inputs { out += input.metricSamples() }
        for rule in rules { out += rule.metricSamples(maxSeries: maxSeriesPerRule) }
        for sink in sinks {
            let l = [sink.name, sink.type]
            out.append(MetricSample(.sinkDelivered, l, .count(sink.delivered)))
            out.append(MetricSample(.sinkFailed, l, .count(sink.failed)))
            out.append(MetricSample(.sinkQueued, l, .gauge(Double(sink.queued))))
            for state in ["ok", "retrying", "disabled"] {
                out.append(MetricSample(.sinkState, l + [state], .gauge(sink.state == state ? 1 : 0)))
            }
        }
        if let health {
            let present = Set(health.degradations.map(\.kind))
            let kinds = DegradationKind.all.map(\.rawValue) + present.subtracting(DegradationKind.all.map(\.rawValue)).sorted()
            for kind in kinds { out.append(MetricSample(.degraded, [kind], .gauge(present.contains(kind) ? 1 : 0))) }
        }
        return out
    }
}

extension InputReport {
    func metricSamples() -> [MetricSample] {
        let n = [name]
        var out: [MetricSample] = [
            MetricSample(.lines, n, .count(lines)),
            MetricSample(.unparsed, n, .count(counts.unparsed)),
            MetricSample(.tooLate, n, .count(tooLate)),
            MetricSample(.outOfRange, n, .count(outOfRange)),
            MetricSample(.bytesBehind, n, .gauge(Double(bytesBehind))),
            MetricSample(.linesPerSecond, n, .gauge(linesPerSecond)),
        ]
        let classes: [(String, UInt64)] = [("1xx", counts.c1xx), ("2xx", counts.c2xx), ("3xx", counts.c3xx),
                                           ("4xx", counts.c4xx), ("5xx", counts.c5xx), ("other", counts.other)]
        for (c, v) in classes { out.append(MetricSample(.requests, [name, c], .count(v))) }
        for (code, v) in codes.sorted(by: { $0.key < $1.key }) where StatusReport.isCodeThatMatters(code) {
            out.append(MetricSample(.requestsByCode, [name, code], .count(v)))
        }
        return out
    }
}

extension RuleReport {
    func metricSamples(maxSeries: Int) -> [MetricSample] {
        var out = [MetricSample(.ruleInfo, [name, condition, severity.rawValue], .gauge(1))]
        // One series per alert (group value and track); a rule without alerts shows its worst.
        let rows: [(group: String, track: String, value: Double, limit: Double, state: AlertPhase)] =
            alerts.map { $0.map { ($0.group ?? "", $0.track ?? "", $0.value, $0.limit, $0.state) } }
            ?? [("", "", rate, limit, state)]
        for row in rows.prefix(maxSeries) {
            let l = [name, row.group, row.track]
            out.append(MetricSample(.ruleValue, l, .gauge(row.value)))
            out.append(MetricSample(.ruleLimit, l, .gauge(row.limit)))
            for phase in ["ok", "pending", "firing"] {
                out.append(MetricSample(.ruleState, l + [phase], .gauge(row.state.rawValue == phase ? 1 : 0)))
            }
        }
        out.append(MetricSample(.ruleSeriesOmitted, [name], .gauge(Double(max(0, rows.count - maxSeries)))))
        return out
    }
}
