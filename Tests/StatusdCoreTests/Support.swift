import StatusdCore

/// Paths to the shared real data beside the clone.
enum Fixtures {
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3) // Tests/StatusdCoreTests/Support.swift
        return parts.joined(separator: "/")
    }()

    static let realdata = packageRoot + "/../shared/realdata"

    static func lines(_ relative: String) throws -> [String] {
        let text = try String(contentsOfFile: realdata + "/" + relative, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Parses every line of a file with a fresh parser; counts by code plus unparsed/ignored.
    static func count(_ relative: String, format: LogFormat) throws -> StatusCounts {
        var parser = format.makeParser()
        var counts = StatusCounts()
        for line in try lines(relative) {
            switch parser.parse(line) {
            case .entry(let status, _): counts.add(status)
            case .ignored: counts.ignored += 1
            case .unparsed: counts.unparsed += 1
            }
        }
        return counts
    }
}

import Foundation

extension StatusCounts {
    func code(_ v: Int) -> UInt64 { self[StatusCode(v)!] }
}

func set(_ terms: String...) -> StatusSet {
    try! StatusSet.parse(terms).get()
}

/// One combined line through a fresh parser.
func parsed(_ line: String) -> ParseResult {
    var p = CombinedParser()
    return p.parse(line)
}

/// Hands `bytes` to `body` in pieces of `chunk` bytes (the last one shorter), as reads of a file would.
func forEachChunk(of bytes: [UInt8], size chunk: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
    bytes.withUnsafeBytes { all in
        var at = 0
        while at < all.count {
            let end = min(all.count, at + chunk)
            body(UnsafeRawBufferPointer(rebasing: all[at..<end]))
            at = end
        }
    }
}
