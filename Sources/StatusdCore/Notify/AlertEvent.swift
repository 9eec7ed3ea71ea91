/// A rule fired or resolved: everything a sink needs to tell a person, and nothing secret.
public struct AlertEvent: Sendable, Equatable {
    public var rule: String
    public var kind: AlertTransitionKind
    public var severity: Severity
    /// The configured match, as written (`5xx`, `52x`, `aborts`, `502,503`).
    public var match: String
    public var rate: Double
    public var limit: Double
    public var resolveBelow: Double
    public var matched: UInt64
    public var total: UInt64
    public var windowSeconds: Int64
    public var inputs: [String]
    /// Matching codes in the window, most frequent first.
    public var codes: [CodeShare]
    /// When the event happened (Unix seconds).
    public var at: Int64
    /// When the episode began firing (for resolved notices: how long it lasted).
    public var firedAt: Int64?
    public var peakRate: Double

    public init(
        rule: Rule, kind: AlertTransitionKind, sum: WindowSum, inputs: [String], at: Int64,
        firedAt: Int64?, peakRate: Double
    ) {
        self.rule = rule.name
        self.kind = kind
        self.severity = rule.severity
        self.match = rule.match.description
        self.rate = sum.rate
        self.limit = rule.rateAbove
        self.resolveBelow = rule.resolveBelow
        self.matched = sum.matched
        self.total = sum.total
        self.windowSeconds = rule.window
        self.inputs = inputs
        self.codes = sum.sortedCodes.map { CodeShare(code: $0.code, count: $0.count) }
        self.at = at
        self.firedAt = firedAt
        self.peakRate = peakRate
    }

    /// `502:120,503:26`
    public var codesField: String {
        codes.map { "\($0.code):\($0.count)" }.joined(separator: ",")
    }
}

public struct CodeShare: Sendable, Equatable, Codable {
    public var code: StatusCode
    public var count: UInt64
}

extension StatusCode: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let v = try c.decode(Int.self)
        guard let code = StatusCode(v) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "status code out of range: \(v)")
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Int(rawValue))
    }
}
