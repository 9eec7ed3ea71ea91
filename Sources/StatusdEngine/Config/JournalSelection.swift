/// Which journald entries an input reads (`journal:` instead of `path:`): a unit's, a syslog
/// identifier's, or any `FIELD=value` matches. An entry that fits any one of them is read.
///
/// systemd hosts often send nginx's and HAProxy's lines to journald (`access_log syslog:...`,
/// HAProxy's `log /dev/log`), where no file holds them.
public struct JournalSelection: Sendable, Equatable {
    /// `_SYSTEMD_UNIT` values (`nginx.service`).
    public var units: [String] = []
    /// `SYSLOG_IDENTIFIER` values (the syslog tag: `nginx`, `haproxy`).
    public var identifiers: [String] = []
    /// Raw `FIELD=value` matches.
    public var matches: [String] = []

    public init(units: [String] = [], identifiers: [String] = [], matches: [String] = []) {
        self.units = units
        self.identifiers = identifiers
        self.matches = matches
    }

    /// Every term as journald matches it, `FIELD=value`; any one of them selects an entry.
    public var terms: [String] {
        units.map { "_SYSTEMD_UNIT=" + $0 } + identifiers.map { "SYSLOG_IDENTIFIER=" + $0 } + matches
    }

    /// `unit=nginx.service` and the like, for status and logs.
    public var description: String {
        (units.map { "unit=" + $0 } + identifiers.map { "identifier=" + $0 } + matches).joined(separator: " or ")
    }

    /// A journald field name: `[A-Z0-9_]`, not starting with a digit.
    public static func isFieldName<S: StringProtocol>(_ s: S) -> Bool {
        guard let first = s.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return s.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}
