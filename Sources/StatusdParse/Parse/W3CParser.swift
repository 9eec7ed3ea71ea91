#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// W3C extended log format: IIS (space separated) and CloudFront (tab separated).
///
/// The field order is whatever the last `#Fields:` line said, so a header that changes in the
/// middle of a file is followed. A `#Date:` header gives the date when the fields carry a time only.
/// Without any header, CloudFront's documented order is assumed.
public struct W3CParser: LineParser {
    /// How many header lines changed how the lines after them read: a `#Fields:` line naming other
    /// fields than the ones in effect (none, or CloudFront's defaults, at first), a `#Date:` line
    /// giving another date. The file's own header counts too; `replay --threads` splits a file
    /// only if no part counts more than the file's header lines alone (`SplitTally`).
    public private(set) var headerChanges = 0
    private var fieldNames: [String] = []
    private var statusIndex: Int?
    private var dateIndex: Int?
    private var timeIndex: Int?
    private var headerDate: [UInt8] = []
    private var splitter = FieldSplitter()
    /// Fields a line needs split: up to the last of status, date and time.
    private var needed = Int.max
    private var stamp = StampCache()

    /// CloudFront's standard order up to `sc-status` (the 24- and 33-field headers agree on it).
    public static let cloudFrontFields = ["date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status"]

    public init(defaultFields: [String]? = nil) {
        if let f = defaultFields { setFields(f) }
    }

    private mutating func setFields(_ names: [String]) {
        fieldNames = names
        statusIndex = names.firstIndex(of: "sc-status")
        dateIndex = names.firstIndex(of: "date") ?? names.firstIndex(of: "date-local")
        timeIndex = names.firstIndex(of: "time") ?? names.firstIndex(of: "time-local")
        needed = [statusIndex, dateIndex, timeIndex].compactMap { $0 }.max().map { $0 + 1 } ?? .max
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer) -> ParseResult {
        guard let first = line.first else { return .ignored }
        if first == UInt8(ascii: "#") {
            header(line)
            return .ignored
        }
        if line.allSatisfy({ $0 == ASCII.space || $0 == ASCII.tab }) { return .ignored }
        guard let si = statusIndex else { return .unparsed }
        splitter.split(line, tab: Self.hasTab(line), limit: needed)
        guard let field = splitter.field(line, si) else { return .unparsed }
        // An empty quoted status (Incapsula: the connection closed before a response) is `000`.
        guard let status = field.isEmpty ? StatusCode.noResponse : Digits.status(field) else { return .unparsed }
        // The line proves its shape: where the fields give a date and a time, they must read as
        // one (a line of another shape has something else there, and its "status" is not one).
        let when = time(line)
        if when == nil, timeIndex != nil, dateIndex != nil || !headerDate.isEmpty { return .unparsed }
        return .entry(status: status, time: when)
    }

    private static func hasTab(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress else { return false }
        return memchr(base, Int32(ASCII.tab), line.count) != nil
    }

    /// `date` (or the `#Date:` header's) and `time` joined on the stack: no allocation per line.
    /// The same joined text as the line before is not parsed again.
    private mutating func time(_ line: UnsafeRawBufferPointer) -> Int64? {
        guard let ti = timeIndex, let t = splitter.field(line, ti), t.count >= 8, t.count <= 20 else { return nil }
        let field = dateIndex.flatMap { splitter.field(line, $0) }
        var joined: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let length = withUnsafeMutableBytes(of: &joined) { buf -> Int in
            let copied = headerDate.withUnsafeBytes { header -> Bool in
                let d = field ?? header
                guard d.count == 10 else { return false }
                buf.copyMemory(from: d)
                return true
            }
            guard copied else { return 0 }
            buf[10] = ASCII.space
            UnsafeMutableRawBufferPointer(rebasing: buf[11...]).copyMemory(from: t)
            return 11 + t.count
        }
        guard length > 0 else { return nil }
        return withUnsafeBytes(of: joined) { buf in
            stamp.value(of: UnsafeRawBufferPointer(rebasing: buf[0..<length])) { TimeText.rfc3339($0) }
        }
    }

    private mutating func header(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("#Fields:") {
            let names = text.dropFirst(8).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if names != fieldNames { headerChanges += 1 }
            setFields(names)
        } else if text.hasPrefix("#Date:") {
            let rest = text.dropFirst(6).drop(while: { $0 == " " || $0 == "\t" })
            let date = Array(rest.prefix(10).utf8)
            if date.count == 10, date[4] == ASCII.dash, date != headerDate {
                headerChanges += 1
                headerDate = date
            }
        }
    }
}

extension W3CParser {
    /// `headerChanges` of the W3C parser inside `parser` (behind a line prefix, or chosen by
    /// `auto`); 0 for other formats.
    static func headerChanges(of parser: any LineParser) -> Int {
        switch parser {
        case let p as W3CParser: return p.headerChanges
        case let p as PrefixedParser: return headerChanges(of: p.inner)
        case let p as AutoParser: return p.chosen.map { headerChanges(of: $0) } ?? p.w3c.headerChanges
        default: return 0
        }
    }
}
