/// A web server's own log format string (nginx `log_format`, Apache `LogFormat`, HAProxy
/// `log-format`), compiled once at config load into a flat list of steps a `TemplateParser` walks
/// over each line's bytes: literals to match, and fields to read and, for the ones statusd needs
/// (status, time, host, request, upstream), to interpret.
///
/// The steps are plain values in one array and the literals' bytes in another, so a line is read
/// with no allocation and no reference counting per step.
public struct FormatTemplate: Sendable, Equatable {
    /// Which server wrote the format string (for messages and `replay`).
    public enum Server: String, Sendable, Equatable { case nginx, apache, haproxy }

    /// What a field holds, as far as statusd cares.
    public enum Role: UInt8, Sendable, Equatable {
        /// Skipped: read up to the next literal.
        case opaque
        /// The status counted (`$status`, `%>s`, `%ST`).
        case status
        /// The event time, read by `Op.time`.
        case time
        /// The virtual host (`$host`, `%v`, `%{Host}i`).
        case host
        /// A request line `METHOD target HTTP/x`: the path label.
        case request
        /// A request target or path (`$request_uri`, `%U`, `%HU`): the path label.
        case target
        /// The upstream (`$upstream_addr`, `%b/%s`).
        case upstream
        /// A list nginx writes with `, ` and ` : ` between items (`$upstream_status`,
        /// `$upstream_addr`, `$http_x_forwarded_for`): read past a space that separates items.
        case list
        /// An upstream list (`$upstream_addr`): an upstream label read as a list.
        case upstreamList
        /// HAProxy captured headers (`%hr`, `%hs`): `{...}`, or nothing at all when none are captured.
        case captures
    }

    /// How the event time of a time field is written.
    public enum TimeShape: Sendable, Equatable {
        /// `10/Oct/2000:13:55:36 -0700` (nginx `$time_local`, HAProxy `%T`, `%trg`, `%Tl`).
        case commonLog
        /// `[10/Oct/2000:13:55:36 -0700]` (Apache `%t`).
        case bracketedCommonLog
        /// `2000-10-10T13:55:36-07:00` (nginx `$time_iso8601`).
        case iso8601
        /// `10/Oct/2000:13:55:36.123` (HAProxy `%t`, `%tr`: the proxy's local time, read as UTC).
        case haproxyDate
        /// Epoch seconds, with an optional fraction (`$msec`, `%{sec}t`, `%Ts`).
        case epochSeconds
        /// Epoch milliseconds (`%{msec}t`).
        case epochMillis
        /// Epoch microseconds (`%{usec}t`).
        case epochMicros
        /// A strftime format (Apache `%{...}t`), compiled.
        case strftime([StrftimePiece])
    }

    /// One piece of a compiled strftime format.
    public enum StrftimePiece: Sendable, Equatable {
        case literal(UInt8)
        /// Digits of a fixed width (`%Y` 4, `%d` 2...), or a space-padded day (`%e`).
        case year, month, day, spaceDay, hour, minute, second, shortYear, dayOfYear, epoch
        /// `%b`: `Jan`...; `%a`: `Mon`... (read, not checked against the date); `%B`, `%A`: full names.
        case monthName, weekdayName, fullMonthName, fullWeekdayName
        /// `%z`: `+0200`; `%Z`: a zone name (letters, read as UTC); `%p`: AM/PM.
        case zone, zoneName, ampm, hour12
    }

    /// One step.
    public struct Op: Sendable, Equatable {
        public enum Kind: UInt8, Sendable, Equatable {
            /// Match `literal` bytes exactly.
            case literal
            /// HAProxy: a run of spaces in the format, written as one space unless the last byte
            /// written already was one.
            case separator
            /// A value.
            case field
        }
        public var kind: Kind
        public var role: Role = .opaque
        /// The field is written inside quotes of its own (HAProxy `+Q`): `"..."`, or a bare `-`.
        public var quoted = false
        /// A backslash escapes the byte after it (nginx default and json, Apache, HAProxy `+E`).
        public var backslash = true
        /// The byte the field ends before: the first byte of the next literal (`nil`: the line's end).
        public var stop: UInt8? = nil
        /// A literal: its bytes in `FormatTemplate.bytes`.
        public var start = 0, count = 0
        /// A time field: its index in `FormatTemplate.times`.
        public var time = 0
        /// A field whose value may be the empty string (nginx json mode, HAProxy).
        public var mayBeEmpty = false

        public init(kind: Kind) { self.kind = kind }
    }

    public let server: Server
    /// The format string as given (for messages).
    public let source: String
    public internal(set) var ops: [Op] = []
    public internal(set) var bytes: [UInt8] = []
    public internal(set) var times: [TimeShape] = []

    init(server: Server, source: String) {
        self.server = server
        self.source = source
    }

    // MARK: building (the compilers)

    mutating func literal(_ b: [UInt8]) {
        guard !b.isEmpty else { return }
        if let last = ops.last, last.kind == .literal, last.start + last.count == bytes.count {
            bytes += b
            ops[ops.count - 1].count += b.count
            return
        }
        var op = Op(kind: .literal)
        op.start = bytes.count
        op.count = b.count
        bytes += b
        ops.append(op)
    }

    mutating func separator() {
        if ops.last?.kind == .separator { return }
        ops.append(Op(kind: .separator))
    }

    mutating func field(_ role: Role, time: TimeShape? = nil, quoted: Bool = false, backslash: Bool = true, mayBeEmpty: Bool = false) {
        var op = Op(kind: .field)
        op.role = role
        op.quoted = quoted
        op.backslash = backslash
        op.mayBeEmpty = mayBeEmpty
        if let time {
            op.role = .time
            op.time = times.count
            times.append(time)
        }
        ops.append(op)
    }

    /// Fills in each field's stop byte; a problem when two fields touch with nothing to tell where
    /// the first ends (`$a$b`), unless the first reads itself (a time, a quoted HAProxy field).
    mutating func finish() -> String? {
        for k in ops.indices where ops[k].kind == .field {
            guard k + 1 < ops.count else { continue }
            let next = ops[k + 1]
            switch next.kind {
            case .literal: ops[k].stop = bytes[next.start]
            case .separator: ops[k].stop = ASCII.space
            case .field:
                if ops[k].role == .time || ops[k].quoted || ops[k].role == .captures { continue }
                return "two fields with nothing between them: statusd cannot tell where one ends and the next begins"
            }
        }
        return nil
    }
}

/// A format string statusd cannot compile: what is wrong, and where (a byte offset into the string).
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}
