/// One value of one series: a family, its label values (in the family's label order) and a value.
///
/// Counters carry the total since start as a whole number, gauges a reading; the daemon folds a
/// list of these into its Prometheus registry at each scrape.
public struct MetricSample: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case count(UInt64)
        case gauge(Double)
    }

    public let family: MetricFamily
    public let labelValues: [String]
    public let value: Value

    public init(_ family: MetricFamily, _ labelValues: [String], _ value: Value) {
        precondition(labelValues.count == family.labels.count, "\(family.name) takes \(family.labels.count) labels")
        self.family = family
        self.labelValues = labelValues
        self.value = value
    }

    /// Label name and value pairs, as a registry takes them.
    public var labels: [(String, String)] { Array(zip(family.labels, labelValues)) }

    /// The series' identity: family name and label values.
    public var seriesKey: String { ([family.name] + labelValues).joined(separator: "\u{1F}") }
}
