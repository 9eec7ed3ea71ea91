import StatusdParse
/// Which lines of each input the monitor re-reads for labels, decided once from the rules:
/// lines whose status some rule watching the input matches (for the top paths and hosts its
/// messages name), and every line of an input a `group_by` label rule watches (per-group rates
/// need per-group totals). Everything else pays one bit test.
struct LabelPlan: Sendable {
    /// Per input: nothing to do when false.
    var active: [Bool] = []
    /// Per input: the union of the matches of the rules watching it.
    var matchAny: [StatusSet] = []
    /// Per input: some rule grouping by a label watches it.
    var everyLine: [Bool] = []
    /// Per input: its extractor.
    var extractors: [LabelExtractor] = []
    /// Per input: the rules grouping by a label that watch it.
    var groupRules: [[Int]] = []
    /// Reused buffers for the text of one line's labels.
    var host: [UInt8] = []
    var path: [UInt8] = []
    var key: [UInt8] = []
    /// Per input: the pod, namespace and container of the file whose lines are being counted
    /// (set by the tailer before each read: `LineSink.enterSource`); nil for other files.
    var pods: [PodLabels?] = []

    init() {}

    init(inputs: [InputConfig], rules: [MonitoredRule], keeping old: LabelPlan) {
        for (i, input) in inputs.enumerated() {
            var match = StatusSet()
            var grouped: [Int] = []
            var byPod = false
            for (r, m) in rules.enumerated() where m.inputs.contains(i) {
                for c in m.rule.match.codes { match.insert(c) }
                if m.rule.groupsByLabel { grouped.append(r) }
                if m.rule.groupBy.contains(where: \.isPodLabel) { byPod = true }
            }
            var options = input.formatOptions
            options.prefix = input.prefix
            let kept = old.extractors.first { $0.format == input.format && $0.input == input.name }
            var extractor = kept ?? LabelExtractor(format: input.format, options: options)
            extractor.input = input.name
            extractors.append(extractor)
            matchAny.append(match)
            everyLine.append(!grouped.isEmpty)
            groupRules.append(grouped)
            active.append(extractor.yieldsLabels && (!match.codes.isEmpty || !grouped.isEmpty) || byPod)
            pods.append(nil)
        }
        host.reserveCapacity(256)
        path.reserveCapacity(256)
        key.reserveCapacity(512)
    }
}

extension Rule {
    /// Groups by a per-line label (host, path prefix, upstream), not only by input.
    public var groupsByLabel: Bool { groupBy.contains { $0 != .input } }
}
