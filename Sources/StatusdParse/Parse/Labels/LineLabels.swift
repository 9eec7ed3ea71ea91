/// The labels one log line carries, as byte ranges into that line: nothing is copied or turned
/// into a String until a rule needs the value (a group key, a top-k counter).
///
/// `path` is the raw request target (it may still hold a query string or a full URL; `LabelText`
/// folds it); `host` may still hold a port. A nil range means the format or the line has none.
public struct LineLabels: Sendable, Equatable {
    public var host: Range<Int>?
    public var path: Range<Int>?
    public var upstream: Range<Int>?

    public init(host: Range<Int>? = nil, path: Range<Int>? = nil, upstream: Range<Int>? = nil) {
        self.host = host
        self.path = path
        self.upstream = upstream
    }
}

/// Byte helpers shared by the per-format label extractors.
enum LabelBytes {
    /// `-` (and `^`, Akamai's null) and the empty value stand for "none".
    static func value(_ p: UnsafeRawBufferPointer, _ r: Range<Int>?) -> Range<Int>? {
        guard let r, !r.isEmpty else { return nil }
        if r.count == 1, p[r.lowerBound] == ASCII.dash || p[r.lowerBound] == UInt8(ascii: "^") { return nil }
        return r
    }

    /// A request line `METHOD target HTTP/x` (or a bare target): the target's range.
    static func requestTarget(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> Range<Int>? {
        var i = r.lowerBound
        let end = r.upperBound
        while i < end, p[i] != ASCII.space { i += 1 }
        guard i < end else { return r } // no space: the value is the target itself
        i += 1
        var j = i
        while j < end, p[j] != ASCII.space { j += 1 }
        return i < j ? i..<j : nil
    }

    /// A target that is an absolute URL (`https://host:443/path`): the authority and the path.
    /// For an origin-form target (`/path`) the authority is nil and the path is the target.
    static func splitURL(_ p: UnsafeRawBufferPointer, _ r: Range<Int>) -> (authority: Range<Int>?, path: Range<Int>?) {
        guard let first = r.first.map({ p[$0] }) else { return (nil, nil) }
        if first == ASCII.slash { return (nil, r) }
        // scheme "://"
        var i = r.lowerBound
        while i < r.upperBound, p[i] != ASCII.colon, p[i] != ASCII.slash { i += 1 }
        guard i + 2 < r.upperBound, p[i] == ASCII.colon, p[i + 1] == ASCII.slash, p[i + 2] == ASCII.slash else { return (nil, nil) }
        let start = i + 3
        var j = start
        while j < r.upperBound, p[j] != ASCII.slash, p[j] != UInt8(ascii: "?") { j += 1 }
        let authority = start < j ? start..<j : nil
        return (authority, j < r.upperBound ? j..<r.upperBound : nil)
    }
}
