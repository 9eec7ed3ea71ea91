import StatusdParse
/// Renders an alert as a sentence a person on call understands at a glance:
/// which rule, rate against limit, counts, window, since when, and the dominant codes with what
/// they usually mean.
public enum AlertMessage {
    /// How many codes a message names at most.
    public static let codesShown = 3

    public static func render(_ e: AlertTransition) -> String {
        let window = DurationText.format(e.windowSeconds)
        let inputs = e.inputs.isEmpty ? "" : " on \(e.inputs.joined(separator: ", "))"
        switch e.kind {
        case .firing, .pending:
            // A grouped rule's alert names its group (`server-errors[ingress-nginx-controller-7d9f-x2x4q]`).
            var s = "[\(e.severity.rawValue)] \(e.rule)\(e.group.map { "[\(SafeText.field($0))]" } ?? "") \(head(e)): "
            switch e.condition {
            case "rate":
                s += "\(Percent.format(e.rate)) of requests were \(e.match) over the last \(window)\(inputs) "
                s += "(\(Count.format(e.matched)) of \(Count.format(e.total)); limit \(Percent.format(e.limit)))"
            case "count":
                s += "\(Count.format(e.matched)) requests were \(e.match) over the last \(window)\(inputs) "
                s += "(of \(Count.format(e.total)); limit \(Count.format(UInt64(max(0, e.limit)))))"
            default:
                s += "\(e.detail ?? "\(e.condition) \(e.rate) above \(e.limit)")\(inputs)"
            }
            s += ", since \(CivilTime.clock(e.firedAt ?? e.at))."
            let codes = codesText(e.codes)
            if !codes.isEmpty { s += " " + codes }
            let labels = labelsText(e)
            if !labels.isEmpty { s += " Where: " + labels + "." }
            return s + lateText(e)
        case .resolved, .cleared:
            var s = "[resolved] \(e.rule)\(e.group.map { "[\(SafeText.field($0))]" } ?? ""): "
            switch e.condition {
            case "rate":
                s += "\(e.match) back to \(Percent.format(e.rate)) of requests over the last \(window)\(inputs) "
                s += "(\(Count.format(e.matched)) of \(Count.format(e.total)); resolves at or below \(Percent.format(e.resolveBelow)))."
            case "count":
                s += "\(e.match) back to \(Count.format(e.matched)) requests over the last \(window)\(inputs)."
            default:
                s += "back to normal\(inputs)\(e.detail.map { " (\($0))" } ?? "")."
            }
            if let fired = e.firedAt {
                s += " It fired at \(CivilTime.clock(fired)), lasted \(DurationText.format(max(0, e.at - fired)))"
                s += e.condition == "rate" ? " and peaked at \(Percent.format(e.peakRate))." : "."
            }
            return s + lateText(e)
        }
    }

    /// `FIRING`, `pending`, `STILL FIRING` (a `repeat` reminder) or `FLAPPING`.
    static func head(_ e: AlertTransition) -> String {
        guard e.kind == .firing else { return "pending" }
        switch e.notice {
        case .repeat?: return "STILL FIRING"
        case .flapping?: return "FLAPPING"
        case nil: return "FIRING"
        }
    }

    /// `Codes: 502 ×120 (Bad Gateway: upstream (down or crashing)), 503 ×26 (...).`
    public static func codesText(_ codes: [CodeShare]) -> String {
        guard !codes.isEmpty else { return "" }
        let shown = codes.prefix(codesShown).map { share -> String in
            let e = StatusCatalog.explain(share.code)
            return "\(share.code) ×\(Count.format(share.count)) (\(e.name): usually \(e.usualFault))"
        }
        var s = "Codes: " + shown.joined(separator: ", ")
        if codes.count > codesShown {
            let rest = codes.dropFirst(codesShown).reduce(UInt64(0)) { $0 + $1.count }
            s += ", and \(Count.format(rest)) more of \(codes.count - codesShown) other codes"
        }
        return s + "."
    }

    /// How many paths and hosts a message names per code.
    public static let labelsShown = 3

    /// `502 ×74: /api/checkout (61), /login (13) on shop.example; 503 ×5: /api/cart (5) on a.example (3), b.example (2)`:
    /// the top paths and hosts behind the matching codes (values from log lines: untrusted text).
    public static func labelsText(_ e: AlertTransition) -> String {
        labelsParts(e).map { part in part.map(\.text).joined() }.joined(separator: "; ")
    }

    /// A piece of the labels text: statusd's own words, or a value from a log line.
    public struct Piece: Sendable, Equatable {
        public var text: String
        public var untrusted: Bool
    }

    /// The labels text as pieces, one list per code (or for paths, then hosts).
    public static func labelsParts(_ e: AlertTransition) -> [[Piece]] {
        func own(_ s: String) -> Piece { Piece(text: s, untrusted: false) }
        func list(_ values: [LabelCount], counted: Bool) -> [Piece] {
            var out: [Piece] = []
            for (n, v) in values.prefix(labelsShown).enumerated() {
                if n > 0 { out.append(own(", ")) }
                out.append(Piece(text: v.value, untrusted: true))
                if counted { out.append(own(" (\(Count.format(v.count)))")) }
            }
            return out
        }
        if let byCode = e.byCode, !byCode.isEmpty {
            return byCode.map { c in
                var part = [own("\(c.code) ×\(Count.format(c.count))")]
                if !c.paths.isEmpty { part.append(own(": ")); part += list(c.paths, counted: true) }
                if !c.hosts.isEmpty { part.append(own(" on ")); part += list(c.hosts, counted: c.hosts.count > 1) }
                return part
            }
        }
        var parts: [[Piece]] = []
        if let p = e.topPaths, !p.isEmpty { parts.append([own("paths ")] + list(p, counted: true)) }
        if let h = e.topHosts, !h.isEmpty { parts.append([own("hosts ")] + list(h, counted: true)) }
        return parts
    }

    /// `/api/checkout (61), /login (13)`: a journald field's value.
    public static func countsField(_ values: [LabelCount]?) -> String? {
        guard let values, !values.isEmpty else { return nil }
        return values.map { "\($0.value) (\($0.count))" }.joined(separator: ", ")
    }

    /// ` (Seen late, at 12:40:02 UTC: read from a backlog.)` for transitions evaluated long after their second.
    static func lateText(_ e: AlertTransition) -> String {
        guard e.late else { return "" }
        return " (Seen late, at \(CivilTime.clock(e.seenAt)): read from a backlog.)"
    }
}
