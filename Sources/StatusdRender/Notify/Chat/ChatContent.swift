import StatusdParse
import StatusdEngine
/// What a chat message says about one alert, before any service's syntax: a headline whose first
/// word tells firing from resolved, the sentence with rate against limit, counts, window and
/// times, the facts (host, input, codes), the optional link and the notification's identity.
///
/// Text is kept as segments: `text` is statusd's own wording, `untrusted` anything that can come
/// from a log line, a host or a config (rule groups, host and input names), so each renderer
/// escapes only what needs it and keeps its own markup.
public struct ChatContent: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case untrusted(String)
    }

    public struct Line: Sendable, Equatable {
        public var segments: [Segment]
        public init(_ segments: [Segment]) { self.segments = segments }

        /// The line with untrusted segments cleaned and passed through `escape`.
        public func render(_ escape: (String) -> String) -> String {
            segments.map { seg -> String in
                switch seg {
                case .text(let s): return s
                case .untrusted(let s): return escape(Untrusted.clean(s))
                }
            }.joined()
        }

        public var plain: String { render { $0 } }
    }

    public struct Fact: Sendable, Equatable {
        public var name: String
        public var value: Line
    }

    /// `FIRING`, `RESOLVED`, or another kind's name in capitals (rendered like firing).
    public var state: String
    public var resolved: Bool
    public var severity: Severity
    /// `FIRING [critical] server-errors on web-01: 15% of requests 5xx (limit 10%)`
    public var headline: Line
    /// The sentence: rate, counts, window, since / how long and the peak.
    public var summary: Line
    public var facts: [Fact]
    public var link: String?
    /// The rule's runbook (`runbook:`), rendered for this alert.
    public var runbook: String?
    /// `statusd · server-errors@1795169110/1`: the idempotency key
    public var footer: Line
    public var idempotencyKey: String?
    /// The transition's second, ISO 8601.
    public var timestamp: String

    /// A message saying a sink works (`statusd test-sink`), clearly marked as a test.
    public static func test(sink: String, host: String, at: Int64) -> ChatContent {
        ChatContent(
            state: "TEST", resolved: false, severity: .warning,
            headline: Line([.text("TEST from statusd on "), .untrusted(host), .text(": sink "), .untrusted(sink), .text(" works")]),
            summary: Line([.text("This is a test message sent by `statusd test-sink`. No alert is firing.")]),
            facts: [Fact(name: "Host", value: Line([.untrusted(host)]))], link: nil,
            footer: Line([.text("statusd test-sink · \(CivilTime.iso8601(at))")]), idempotencyKey: "test/\(at)",
            timestamp: CivilTime.iso8601(at))
    }

    public init(state: String, resolved: Bool, severity: Severity, headline: Line, summary: Line, facts: [Fact], link: String?,
                footer: Line, idempotencyKey: String?, timestamp: String) {
        self.state = state
        self.resolved = resolved
        self.severity = severity
        self.headline = headline
        self.summary = summary
        self.facts = facts
        self.link = link
        self.footer = footer
        self.idempotencyKey = idempotencyKey
        self.timestamp = timestamp
    }

    public init(_ t: AlertTransition, host: String, link: LinkTemplate?) {
        let window = DurationText.format(t.windowSeconds)
        let isResolved = t.kind == .resolved
        resolved = isResolved
        severity = t.severity
        state = isResolved ? "RESOLVED" : t.kind.rawValue.uppercased()
        var rule: [Segment] = [.untrusted(t.rule)]
        if let g = t.group { rule += [.text(" ["), .untrusted(g), .text("]")] }
        let inputs = t.inputs.isEmpty ? "all inputs" : t.inputs.joined(separator: ", ")
        if isResolved {
            headline = Line([.text("RESOLVED ")] + rule + [.text(" on "), .untrusted(host), .text(": "), .untrusted(t.match),
                             .text(" back to \(Percent.format(t.rate)) (resolves at or below \(Percent.format(t.resolveBelow)))")])
            var s: [Segment] = [.untrusted(t.match), .text(" back to \(Percent.format(t.rate)) of requests over the last \(window) ("
                + "\(Count.format(t.matched)) of \(Count.format(t.total)) requests; resolves at or below \(Percent.format(t.resolveBelow))).")]
            if let fired = t.firedAt {
                s.append(.text(" It fired at \(CivilTime.clock(fired)), lasted \(DurationText.format(max(0, t.at - fired))) "
                    + "and peaked at \(Percent.format(t.peakRate))."))
            }
            summary = Line(s)
        } else {
            headline = Line([.text("\(state) [\(t.severity.rawValue)] ")] + rule + [.text(" on "), .untrusted(host), .text(": \(Percent.format(t.rate)) of requests "),
                             .untrusted(t.match), .text(" (limit \(Percent.format(t.limit)))")])
            summary = Line([.text("\(Percent.format(t.rate)) of requests were "), .untrusted(t.match),
                            .text(" over the last \(window) (\(Count.format(t.matched)) of \(Count.format(t.total)) requests; "
                                + "limit \(Percent.format(t.limit))), since \(CivilTime.clock(t.firedAt ?? t.at)).")])
        }
        var facts = [Fact(name: "Host", value: Line([.untrusted(host)])), Fact(name: "Input", value: Line([.untrusted(inputs)]))]
        if t.kind != .resolved || !t.codes.isEmpty {
            let codes = AlertMessage.codesText(t.codes)
            if !codes.isEmpty { facts.append(Fact(name: "Codes", value: Line([.text(String(codes.dropFirst("Codes: ".count)))]))) }
        }
        if !isResolved {
            let parts = AlertMessage.labelsParts(t)
            if !parts.isEmpty {
                var segments: [Segment] = []
                for (n, part) in parts.enumerated() {
                    if n > 0 { segments.append(.text("; ")) }
                    for piece in part { segments.append(piece.untrusted ? .untrusted(piece.text) : .text(piece.text)) }
                }
                facts.append(Fact(name: "Where", value: Line(segments)))
            }
        }
        if t.late { facts.append(Fact(name: "Late", value: Line([.text("seen at \(CivilTime.clock(t.seenAt)), read from a backlog")]))) }
        // Escalation (`after:`) and `statusd ack` (the reason is untrusted text, cleaned per service).
        if let after = t.escalatedAfter { facts.append(Fact(name: "Escalated", value: Line([.text("still firing \(DurationText.format(after)) after it fired")]))) }
        if let at = t.acknowledgedAt {
            facts.append(Fact(name: "Acknowledged", value: Line([.text("at \(CivilTime.clock(at))")] + (t.ackReason.map { [.text(": "), .untrusted($0)] } ?? []))))
        }
        self.facts = facts
        // A link too long to be a link is left out rather than cut into a wrong one.
        self.link = (link?.render(t, host: host)).flatMap { $0.utf8.count <= 2048 ? $0 : nil }
        self.runbook = t.runbookLink(host: host)
        // The idempotency key (alert id / notification number), as in the request's header.
        var foot: [Segment] = [.text("statusd")]
        if let key = t.idempotencyKey { foot += [.text(" · "), .untrusted(key)] }
        footer = Line(foot)
        idempotencyKey = t.idempotencyKey
        timestamp = CivilTime.iso8601(t.at)
    }

    /// The whole message as plain lines (for services without structure, and the digest).
    public func plainLines(_ escape: (String) -> String) -> [String] {
        [summary.render(escape)] + facts.map { "\($0.name): \($0.value.render(escape))" }
    }
}
