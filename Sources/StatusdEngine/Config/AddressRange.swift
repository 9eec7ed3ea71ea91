/// An IPv4 or IPv6 network (`10.0.0.0/8`, `2001:db8::/32`, or one address), for `metrics.allow`.
///
/// Pure parsing and matching, so the listener's decision is tested without sockets. An IPv4
/// client seen through an IPv6 socket (`::ffff:10.1.2.3`) matches IPv4 ranges.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes, the bits past `prefix` zero.
    public let bytes: [UInt8]
    public let prefix: Int

    /// nil unless `text` is an address or address/prefix with a prefix in range.
    public init?(_ text: String) {
        let parts = text.trimmingSpaces().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let p = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...bits).contains(p) else { return nil }
            prefix = p
        }
        self.prefix = prefix
        self.bytes = Self.masked(address, prefix)
    }

    /// Whether `address` (text as a socket reports it) lies in this range.
    public func contains(_ address: String) -> Bool {
        guard var a = Self.parse(address) else { return false }
        if a.count == 16, bytes.count == 4, a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xFF, a[11] == 0xFF { a = Array(a[12...]) }
        guard a.count == bytes.count else { return false }
        return Self.masked(a, prefix) == bytes
    }

    public var description: String {
        let text = bytes.count == 4 ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        return "\(text)/\(prefix)"
    }

    static func masked(_ a: [UInt8], _ prefix: Int) -> [UInt8] {
        a.enumerated().map { i, b in
            let keep = max(0, min(8, prefix - i * 8))
            return keep == 8 ? b : b & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    /// 4 bytes for IPv4, 16 for IPv6 (zone `%eth0` ignored); nil otherwise.
    public static func parse(_ text: String) -> [UInt8]? {
        var t = Substring(text)
        if t.hasPrefix("["), t.hasSuffix("]") { t = t.dropFirst().dropLast() }
        if let pct = t.firstIndex(of: "%") { t = t[..<pct] }
        if !t.contains(":") { return ipv4(t) }
        return ipv6(t)
    }

    static func ipv4(_ t: Substring) -> [UInt8]? {
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255 else { return nil }
            out.append(UInt8(v))
        }
        return out
    }

    static func ipv6(_ t: Substring) -> [UInt8]? {
        let halves = t.splitting(on: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt8]? {
            guard !s.isEmpty else { return [] }
            var out: [UInt8] = []
            let items = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, g) in items.enumerated() {
                if i == items.count - 1, g.contains(".") {
                    guard let v4 = ipv4(g) else { return nil }
                    out += v4
                    continue
                }
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out += [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension Substring {
    func splitting(on separator: String) -> [String] {
        var out: [String] = []
        var rest = self
        while let r = rest.firstRange(of: separator) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
