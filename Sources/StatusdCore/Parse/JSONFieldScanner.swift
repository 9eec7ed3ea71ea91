/// Finds the values of a few wanted keys in one JSON object, on bytes, without building it.
///
/// Paths are dotted (`request.status`) for nested objects. Scalars come back as byte ranges:
/// a string's contents without quotes, or a number's text. Everything else is skipped.
struct JSONFieldScanner: Sendable {
    /// Wanted paths, each a list of key segments.
    let paths: [[[UInt8]]]

    init(paths: [String]) {
        self.paths = paths.map { $0.split(separator: ".").map { Array($0.utf8) } }
    }

    /// The value range of each wanted path (nil when absent); `false` when the text is not an object.
    func scan(_ p: UnsafeRawBufferPointer, from start: Int, into found: inout [Range<Int>?]) -> Bool {
        for k in found.indices { found[k] = nil }
        var i = start
        skipSpace(p, &i)
        guard i < p.count, p[i] == UInt8(ascii: "{") else { return false }
        let all = (1 << paths.count) - 1
        return object(p, &i, depth: 0, active: all, found: &found)
    }

    private func object(_ p: UnsafeRawBufferPointer, _ i: inout Int, depth: Int, active: Int, found: inout [Range<Int>?]) -> Bool {
        i += 1 // {
        skipSpace(p, &i)
        if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return true }
        while i < p.count {
            skipSpace(p, &i)
            guard i < p.count, p[i] == ASCII.quote, let key = string(p, &i) else { return false }
            skipSpace(p, &i)
            guard i < p.count, p[i] == ASCII.colon else { return false }
            i += 1
            skipSpace(p, &i)
            // Which wanted paths continue with this key at this depth.
            var here = 0, deeper = 0
            if active != 0 {
                for (k, path) in paths.enumerated() where active & (1 << k) != 0 && path.count > depth {
                    if equal(p, key, path[depth]) {
                        if path.count == depth + 1 { here |= 1 << k } else { deeper |= 1 << k }
                    }
                }
            }
            guard i < p.count else { return false }
            let c = p[i]
            if c == UInt8(ascii: "{") {
                guard object(p, &i, depth: depth + 1, active: deeper, found: &found) else { return false }
            } else if c == ASCII.quote {
                guard let r = string(p, &i) else { return false }
                if here != 0 { for k in paths.indices where here & (1 << k) != 0 && found[k] == nil { found[k] = r } }
            } else if c == UInt8(ascii: "[") {
                guard skipArray(p, &i) else { return false }
            } else {
                let s = i
                while i < p.count, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "}"), p[i] != ASCII.space,
                      p[i] != ASCII.tab, p[i] != UInt8(ascii: "\n"), p[i] != ASCII.cr { i += 1 }
                if here != 0 { for k in paths.indices where here & (1 << k) != 0 && found[k] == nil { found[k] = s..<i } }
            }
            skipSpace(p, &i)
            guard i < p.count else { return false }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
        return false
    }

    /// A string at `i` (on its quote): the range of its contents; `i` moves past it.
    private func string(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Range<Int>? {
        let s = i + 1
        var j = s
        while j < p.count {
            let b = p[j]
            if b == ASCII.backslash { j += 2; continue }
            if b == ASCII.quote { i = j + 1; return s..<j }
            j += 1
        }
        return nil
    }

    private func skipArray(_ p: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        var depth = 0
        while i < p.count {
            let b = p[i]
            if b == ASCII.quote { guard string(p, &i) != nil else { return false }; continue }
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
            if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { i += 1; return true }
            }
            i += 1
        }
        return false
    }

    private func skipSpace(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count, p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == UInt8(ascii: "\n") || p[i] == ASCII.cr { i += 1 }
    }

    private func equal(_ p: UnsafeRawBufferPointer, _ r: Range<Int>, _ key: [UInt8]) -> Bool {
        guard r.count == key.count else { return false }
        var k = 0
        for idx in r {
            if p[idx] != key[k] { return false }
            k += 1
        }
        return true
    }
}
