import StatusdParse
/// The paths and hosts behind a rule's matching codes, for its messages: a bounded top-k
/// (space-saving counters keyed by code and value) over the last one to two spans of the rule's
/// window, fed from matching lines only. Memory is fixed whatever the traffic: `pathSlots` and
/// `hostSlots` entries per span, whose key buffers are reused once warm.
public struct TopLabels: Sendable {
    public static let pathSlots = 16
    public static let hostSlots = 8
    /// The current and the previous span: a report merges both, so a value seen just before a span
    /// ended is not forgotten at once.
    var paths = [LabelCounter(capacity: TopLabels.pathSlots), LabelCounter(capacity: TopLabels.pathSlots)]
    var hosts = [LabelCounter(capacity: TopLabels.hostSlots), LabelCounter(capacity: TopLabels.hostSlots)]
    /// Matching requests per code over the same spans (exact): codes for windows that come from
    /// coarse buckets, which keep no codes.
    var codes: [[(code: UInt16, count: UInt64)]] = [[], []]
    var spanStart: Int64 = .min
    let span: Int64

    init(window: Int64) {
        span = min(max(window, 60), 3600)
    }

    /// Starts a new span when `s` is past the current one.
    mutating func roll(to s: Int64) {
        if spanStart == .min { spanStart = s; return }
        guard s - spanStart >= span else { return }
        if s - spanStart >= 2 * span {
            paths[1].clear()
            hosts[1].clear()
            codes[1].removeAll(keepingCapacity: true)
        } else {
            paths.swapAt(0, 1)
            hosts.swapAt(0, 1)
            codes.swapAt(0, 1)
        }
        paths[0].clear()
        hosts[0].clear()
        codes[0].removeAll(keepingCapacity: true)
        spanStart = s - (s - spanStart) % span
    }

    mutating func add(code: UInt16, path: [UInt8]?, host: [UInt8]?, at s: Int64) {
        roll(to: s)
        if let path { paths[0].add(code: code, path) }
        if let host { hosts[0].add(code: code, host) }
        if let k = codes[0].firstIndex(where: { $0.code == code }) { codes[0][k].count &+= 1 } else { codes[0].append((code, 1)) }
    }

    /// `true` when nothing was counted in either span.
    var isEmpty: Bool { paths[0].used == 0 && paths[1].used == 0 && hosts[0].used == 0 && hosts[1].used == 0 && codes[0].isEmpty && codes[1].isEmpty }

    /// The top `n` paths and hosts overall and per code of `codes` (most frequent first).
    func report(codes shown: [StatusCode], n: Int = 3) -> LabelReport {
        func merged(_ pair: [LabelCounter], code: UInt16?) -> [LabelCount] {
            var out: [LabelCount] = []
            for c in pair {
                for e in c.entries.prefix(c.used) where code == nil || e.code == code {
                    let value = String(decoding: e.key, as: UTF8.self)
                    if let k = out.firstIndex(where: { $0.value == value }) { out[k].count &+= e.count } else { out.append(LabelCount(value: value, count: e.count)) }
                }
            }
            return Array(out.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }.prefix(n))
        }
        var byCode: [CodeLabels] = []
        for code in shown {
            let p = merged(paths, code: code.rawValue), h = merged(hosts, code: code.rawValue)
            guard !p.isEmpty || !h.isEmpty else { continue }
            let count = (codes[0] + codes[1]).filter { $0.code == code.rawValue }.reduce(UInt64(0)) { $0 + $1.count }
            byCode.append(CodeLabels(code: code, count: count, paths: p, hosts: h))
        }
        return LabelReport(paths: merged(paths, code: nil), hosts: merged(hosts, code: nil), byCode: byCode)
    }

    /// Matching requests per code over the spans, most frequent first.
    var codeCounts: [(code: StatusCode, count: UInt64)] {
        var out: [(code: StatusCode, count: UInt64)] = []
        for (code, count) in codes[0] + codes[1] {
            if let k = out.firstIndex(where: { $0.code.rawValue == code }) { out[k].count &+= count } else { out.append((StatusCode(unchecked: code), count)) }
        }
        return out.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }
}

/// A space-saving counter (Metwally et al.): `capacity` slots; a value not held takes the slot of
/// the least counted one and inherits its count, so the heavy hitters are always held and their
/// counts are over-estimated by at most the smallest count. Slots past `used` are kept for their
/// buffers.
struct LabelCounter: Sendable {
    struct Entry: Sendable {
        var code: UInt16
        var key: [UInt8]
        var count: UInt64
    }

    let capacity: Int
    private(set) var entries: [Entry] = []
    private(set) var used = 0

    init(capacity: Int) { self.capacity = capacity }

    mutating func add(code: UInt16, _ key: [UInt8]) {
        for k in 0..<used where entries[k].code == code && entries[k].key == key {
            entries[k].count &+= 1
            return
        }
        if used < capacity {
            if used == entries.count {
                var buffer: [UInt8] = []
                buffer.reserveCapacity(max(64, key.count))
                entries.append(Entry(code: code, key: buffer, count: 0))
            }
            set(used, code: code, key, count: 1)
            used += 1
            return
        }
        var least = 0
        for k in 1..<used where entries[k].count < entries[least].count { least = k }
        set(least, code: code, key, count: entries[least].count &+ 1)
    }

    private mutating func set(_ k: Int, code: UInt16, _ key: [UInt8], count: UInt64) {
        entries[k].code = code
        entries[k].key.removeAll(keepingCapacity: true)
        entries[k].key.append(contentsOf: key)
        entries[k].count = count
    }

    mutating func clear() { used = 0 }
}

/// What a firing message names: the top paths and hosts behind the matching codes.
public struct LabelReport: Sendable, Equatable {
    public var paths: [LabelCount]
    public var hosts: [LabelCount]
    public var byCode: [CodeLabels]
}

/// A label value and how many matching requests had it.
public struct LabelCount: Sendable, Equatable, Codable {
    public var value: String
    public var count: UInt64

    public init(value: String, count: UInt64) {
        self.value = value
        self.count = count
    }
}

/// One matching code, how many requests had it, and its top paths and hosts.
public struct CodeLabels: Sendable, Equatable, Codable {
    public var code: StatusCode
    public var count: UInt64
    public var paths: [LabelCount]
    public var hosts: [LabelCount]

    public init(code: StatusCode, count: UInt64, paths: [LabelCount], hosts: [LabelCount]) {
        self.code = code
        self.count = count
        self.paths = paths
        self.hosts = hosts
    }
}
