/// A set of status codes a rule matches: classes (`5xx`), `52x`, `aborts`, or single codes.
///
/// Stored as a 1000-bit set so that matching a line costs one shift and one mask.
public struct StatusSet: Hashable, Sendable, CustomStringConvertible {
    private var words: [UInt64]
    /// How the set was written in the config, for messages (`5xx`, `52x`, `502,503`).
    public private(set) var spelling: [String]

    public init() {
        words = Array(repeating: 0, count: (StatusCode.tableSize + 63) / 64)
        spelling = []
    }

    
    public func contains(_ code: StatusCode) -> Bool {
        containsRaw(Int(code.rawValue))
    }

    
    func containsRaw(_ v: Int) -> Bool {
        words[v >> 6] & (1 << UInt64(v & 63)) != 0
    }

    public mutating func insert(_ code: StatusCode) {
        let v = Int(code.rawValue)
        words[v >> 6] |= 1 << UInt64(v & 63)
    }

    /// Every code in the set, ascending.
    public var codes: [StatusCode] {
        (0..<StatusCode.tableSize).filter { containsRaw($0) }.map { StatusCode(unchecked: UInt16($0)) }
    }

    public var description: String { spelling.joined(separator: ",") }

    /// Parses one term: `5xx` (a class), `52x`, `aborts`, or a code such as `502` or `000`.
    public mutating func insert(term raw: String) -> Bool {
        let term = raw.lowercased()
        switch term {
        case "aborts":
            for c in [0, 460, 499] { insert(StatusCode(unchecked: UInt16(c))) }
        case "52x":
            for c in 520...530 { insert(StatusCode(unchecked: UInt16(c))) }
        default:
            let bytes = Array(term.utf8)
            guard bytes.count == 3, let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
                return false
            }
            let hundreds = Int(first - UInt8(ascii: "0"))
            if bytes[1] == UInt8(ascii: "x"), bytes[2] == UInt8(ascii: "x"), (1...5).contains(hundreds) {
                for c in hundreds * 100..<(hundreds + 1) * 100 { insert(StatusCode(unchecked: UInt16(c))) }
            } else if let v = Int(term), let code = StatusCode(v) {
                insert(code)
            } else {
                return false
            }
        }
        spelling.append(term)
        return true
    }

    /// A set from terms, or `nil` naming the first term that is not understood.
    public static func parse(_ terms: [String]) -> Result<StatusSet, StatusSetError> {
        var set = StatusSet()
        for term in terms where !set.insert(term: term.trimmingSpaces()) {
            return .failure(StatusSetError(term: term))
        }
        return .success(set)
    }
}

public struct StatusSetError: Error, Sendable {
    public let term: String
}

extension String {
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
