import StatusdParse
/// The human summary `statusd status` prints.
extension StatusReport {
    public func renderText() -> String {
        var out: [String] = []
        let firing = rules.filter { $0.state == .firing }.count
        let warningFiring = rules.contains { $0.state == .firing }
        var headline = exitCode == 0 ? "OK" : (exitCode == 2 ? "CRITICAL" : (warningFiring || !isDegraded ? "WARNING" : "DEGRADED"))
        if isDegraded && headline != "DEGRADED" { headline += ", DEGRADED" }
        out.append("statusd \(version): \(headline), \(firing) of \(rules.count) rules firing; up \(DurationText.format(uptimeSeconds)), pid \(pid)")
        out.append("config \(config), loaded \(configLoadedAt)")
        if let err = lastReloadError { out.append("last reload FAILED, old config still running: \(SafeText.field(err))") }
        if let line = clock?.line { out.append(line) }
        if let health, health.isDegraded {
            out.append("")
            out.append("health: DEGRADED (a degradation lasting \(DurationText.format(health.alertAfterSeconds)) is sent as an alert)")
            for d in health.degradations { out.append("  " + d.line) }
        }
        out.append("")
        out.append("inputs")
        for input in inputs {
            let c = input.counts
            out.append("  \(input.name) (\(input.format)): \(Count.format(input.lines)) lines, \(rateText(input.linesPerSecond)) lines/s, \(Count.format(input.bytesBehind)) bytes behind")
            out.append("    1xx \(Count.format(c.c1xx))  2xx \(Count.format(c.c2xx))  3xx \(Count.format(c.c3xx))  4xx \(Count.format(c.c4xx))  5xx \(Count.format(c.c5xx))  |  52x \(Count.format(c.c52x))  aborts \(Count.format(c.aborts))  other \(Count.format(c.other))  unparsed \(Count.format(c.unparsed))")
            if let k = input.kubernetes {
                out.append("    kubernetes: \(SafeText.field(k))" + (input.wrapper.map { ", wrapper \($0)" } ?? ""))
            }
            if input.files.isEmpty {
                out.append("    no file matches \(input.paths.joined(separator: ", ")) yet")
            }
            for f in input.files {
                var line = "    \(SafeText.field(f.path)): \(f.state), offset \(Count.format(f.offset)) of \(Count.format(f.size))"
                if let d = f.detectedFormat { line += ", detected \(d)" + (f.detectedShape.map { " (\($0))" } ?? "") }
                if let w = f.wrapper { line += w == "auto" ? ", wrapper not seen yet" : ", wrapper \(w)" }
                if let p = f.pod, let ns = f.namespace { line += ", pod \(SafeText.field(ns))/\(SafeText.field(p))" + (f.container.map { " container \(SafeText.field($0))" } ?? "") }
                if let c = f.cursor { line += ", cursor \(SafeText.field(String(c.prefix(80))))" }
                if let at = f.lastDatagramAt { line += ", last datagram \(at)" }
                if let e = f.error { line += ", \(SafeText.field(e))" }
                out.append(line)
            }
            if let n = input.waitingFiles, n > 0 {
                let first = input.waiting?.first.map { ", first since \($0.since): \($0.error)" } ?? ""
                out.append("    \(Count.format(UInt64(n))) files WAITING for a descriptor, offsets kept, read in turn\(first)")
            }
            if input.tooLate + input.outOfRange > 0 {
                out.append("    \(Count.format(input.tooLate)) lines too late for the window, \(Count.format(input.outOfRange)) with a time beyond max_skew")
            }
        }
        out.append("")
        out.append("rules")
        for r in rules {
            let state = r.state == .firing ? "FIRING" : r.state.rawValue
            let cmp = r.rate > r.limit ? ">" : "<="
            let figure: (Double) -> String = r.condition == "count" || r.condition == "no_traffic" ? { Count.format(UInt64(max(0, $0).rounded())) } : { Percent.format($0) }
            var line = "  \(pad(state, 8))\(r.name) [\(r.severity.rawValue)]: \(r.match) \(figure(r.rate)) \(cmp) \(figure(r.limit))"
            line += " (\(Count.format(r.matched)) of \(Count.format(r.requests)) requests in \(DurationText.format(r.windowSeconds))"
            if r.requests < r.minRequests { line += ", below min_requests \(r.minRequests)" }
            line += ")"
            if let since = r.since { line += ", since \(since)" }
            if let spark = r.sparkline, !spark.isEmpty { line += "  " + Self.sparkline(spark, limit: r.limit) }
            out.append(line)
            if let b = r.baselineFallback { out.append("          baseline: \(b)") }
            if let d = r.detail { out.append("          \(d)") }
            for a in r.alerts ?? [] where (r.alerts?.count ?? 0) > 1 || a.silenced || a.inhibitedBy != nil || a.flapping || a.acknowledgedAt != nil || a.escalation != nil || (a.state == .firing && a.alertID != nil) {
                var l = "          \(a.key): \(a.state == .firing ? "FIRING" : a.state.rawValue) \(figure(a.value))"
                if a.flapping { l += ", flapping" }
                if a.silenced { l += a.maintenance.map { ", silenced (maintenance \($0))" } ?? ", silenced" }
                if let at = a.acknowledgedAt { l += ", acknowledged at \(at)" + (a.ackReason.map { ": " + SafeText.field($0) } ?? "") }
                if let e = a.escalation, let due = a.escalationDueAt { l += ", escalates to \(e.joined(separator: ", ")) at \(due)" }
                if let id = a.alertID, a.state == .firing { l += " (\(id))" }
                if let by = a.inhibitedBy { l += ", inhibited by \(by)" }
                out.append(l)
            }
            if let folded = r.foldedGroups { out.append("          \(folded.count) groups beyond max_groups counted as other: \(folded.prefix(5).joined(separator: ", "))") }
        }
        if let maintenance, !maintenance.isEmpty {
            out.append("")
            out.append("maintenance")
            for m in maintenance { out.append("  " + m.line) }
        }
        if let silences, !silences.isEmpty {
            out.append("")
            out.append("silences")
            for s in silences { out.append("  " + s.line) }
        }
        if !sinks.isEmpty {
            out.append("")
            out.append("sinks")
            for k in sinks {
                var line = "  \(pad(k.state == "ok" ? "ok" : k.state.uppercased(), 8))\(k.name) (\(k.type)): \(Count.format(k.delivered)) delivered, \(Count.format(k.failed)) failed, \(k.queued) queued"
                if let oldest = k.oldestQueuedAt { line += " (oldest \(oldest))" }
                if let e = k.lastError { line += "; last error: \(SafeText.field(e))" }
                out.append(line)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `▁▁▂▅█▇▃▁` scaled to the larger of the values and the limit (so a calm rule stays low).
    public static func sparkline(_ values: [Double], limit: Double) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        let top = max(limit, values.max() ?? 0)
        guard top > 0 else { return String(repeating: "▁", count: values.count) }
        return String(values.map { bars[min(bars.count - 1, max(0, Int(($0 / top) * Double(bars.count - 1) + 0.5)))] })
    }

    private func rateText(_ v: Double) -> String {
        v >= 100 ? Count.format(UInt64(v.rounded())) : Percent.trim(v, decimals: 1)
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
