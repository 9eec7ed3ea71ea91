import Prometheus
import StatusdCore
import Synchronization

/// statusd's metrics in a swift-prometheus registry, brought up to date from a status report at
/// each scrape and rendered in the text exposition format.
///
/// The report already holds every figure (totals since start, current rule readings, sink
/// counters), so nothing on the pipeline's hot path touches a metric: a scrape takes the report,
/// advances each counter by what it grew since the last scrape, sets each gauge, and drops the
/// series that left the report (a rule's group that expired, a rule or sink removed by a reload).
final class PrometheusExport: Sendable {
    private struct State {
        var counters: [String: (counter: Counter, value: UInt64)] = [:]
        var gauges: [String: Gauge] = [:]
    }

    private let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())

    /// Folds `samples` into the registry and renders it, as one step (scrapes may come together).
    func render(_ samples: [MetricSample]) -> [UInt8] {
        state.withLock { s in
            fold(samples, into: &s)
            return registry.emitToBuffer()
        }
    }

    private func fold(_ samples: [MetricSample], into s: inout State) {
        var seenCounters = Set<String>(), seenGauges = Set<String>()
        for sample in samples {
            let key = sample.seriesKey
            switch sample.value {
            case .count(let total):
                seenCounters.insert(key)
                if let (counter, last) = s.counters[key].map({ ($0.counter, $0.value) }) {
                    if total >= last {
                        counter.increment(by: Int64(clamping: total - last))
                    } else {
                        // The figure went back (an input removed and added again): start over.
                        counter.reset()
                        counter.increment(by: Int64(clamping: total))
                    }
                    s.counters[key] = (counter, total)
                } else {
                    let counter = registry.makeCounter(descriptor: descriptor(sample.family), labels: sample.labels)
                    counter.reset()
                    counter.increment(by: Int64(clamping: total))
                    s.counters[key] = (counter, total)
                }
            case .gauge(let value):
                seenGauges.insert(key)
                let gauge = s.gauges[key] ?? registry.makeGauge(descriptor: descriptor(sample.family), labels: sample.labels)
                s.gauges[key] = gauge
                gauge.set(value)
            }
        }
        for (key, entry) in s.counters where !seenCounters.contains(key) {
            registry.unregisterCounter(entry.counter)
            s.counters[key] = nil
        }
        for (key, gauge) in s.gauges where !seenGauges.contains(key) {
            registry.unregisterGauge(gauge)
            s.gauges[key] = nil
        }
    }

    private func descriptor(_ family: MetricFamily) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: family.name, unitName: "", helpText: family.help)
    }
}
