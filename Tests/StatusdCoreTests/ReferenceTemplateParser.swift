// A plain reading of a server's format string, written apart from the compilers and TemplateParser
// (Parse/Format/) to check them against: its own tokenizer per server, a line copied into an
// array and read with index loops, times handed to the shared time readers. Used by
// FormatTemplateReferenceTests and Fuzz/run.sh.
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

struct ReferenceTemplateParser: LineParser {
    enum Piece {
        case text([UInt8])
        case gap                       // HAProxy: one space, unless the byte before was one
        case value(name: String, quoted: Bool, escaped: Bool)
    }

    let server: FormatTemplate.Server
    var pieces: [Piece] = []
    var escaped = true

    /// The format string as each server reads it (the forms the fuzzer's strings use).
    init(server: FormatTemplate.Server, format: String) {
        self.server = server
        var s = Array(format.utf8)
        switch server {
        case .nginx:
            if s.starts(with: Array("escape=none ".utf8)) { escaped = false; s.removeFirst(12) }
            if s.starts(with: Array("escape=json ".utf8)) { s.removeFirst(12) }
            var i = 0, text: [UInt8] = []
            while i < s.count {
                if s[i] == UInt8(ascii: "$") {
                    if !text.isEmpty { pieces.append(.text(text)); text = [] }
                    var j = i + 1
                    let brace = s[j] == UInt8(ascii: "{")
                    if brace { j += 1 }
                    var name: [UInt8] = []
                    while j < s.count, s[j] == UInt8(ascii: "_") || (s[j] >= 0x30 && s[j] <= 0x39) || (s[j] | 0x20 >= 0x61 && s[j] | 0x20 <= 0x7A) { name.append(s[j]); j += 1 }
                    if brace { j += 1 }
                    pieces.append(.value(name: "$" + String(decoding: name, as: UTF8.self), quoted: false, escaped: escaped))
                    i = j
                } else { text.append(s[i]); i += 1 }
            }
            if !text.isEmpty { pieces.append(.text(text)) }
        case .apache:
            var i = 0, text: [UInt8] = []
            var statuses: [(Int, String)] = []
            while i < s.count {
                if s[i] == UInt8(ascii: "\\"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "\"") { text.append(s[i + 1]); i += 2; continue }
                guard s[i] == UInt8(ascii: "%") else { text.append(s[i]); i += 1; continue }
                if !text.isEmpty { pieces.append(.text(text)); text = [] }
                var j = i + 1
                var mod = ""
                while "0123456789,!<>".utf8.contains(s[j]) { mod.append(Character(UnicodeScalar(s[j]))); j += 1 }
                var param = ""
                if s[j] == UInt8(ascii: "{") {
                    j += 1
                    while s[j] != UInt8(ascii: "}") { param.append(Character(UnicodeScalar(s[j]))); j += 1 }
                    j += 1
                }
                let letter = String(UnicodeScalar(s[j]))
                if letter == "s" { statuses.append((pieces.count, mod.contains(">") ? ">s" : mod.contains("<") ? "<s" : "s")) }
                pieces.append(.value(name: "%" + (param.isEmpty ? "" : "{\(param)}") + letter, quoted: false, escaped: true))
                i = j + 1
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            // The counted status: %>s, else %s, else %<s.
            let best = statuses.first { $0.1 == ">s" } ?? statuses.first { $0.1 == "s" } ?? statuses.first
            for (k, _) in statuses where k != best?.0 { pieces[k] = .value(name: "%other-s", quoted: false, escaped: true) }
            if let best { pieces[best.0] = .value(name: "%status", quoted: false, escaped: true) }
        case .haproxy:
            if let preset = HAProxyFormat.presets[format] { s = Array(preset.utf8) }
            var i = 0, text: [UInt8] = []
            var quoteAll = false
            while i < s.count {
                if s[i] == UInt8(ascii: "\\"), i + 1 < s.count { text.append(s[i + 1]); i += 2; continue }
                if s[i] == 0x20 {
                    if !text.isEmpty { pieces.append(.text(text)); text = [] }
                    if case .gap = pieces.last {} else { pieces.append(.gap) }
                    i += 1
                    continue
                }
                guard s[i] == UInt8(ascii: "%") else { text.append(s[i]); i += 1; continue }
                if !text.isEmpty { pieces.append(.text(text)); text = [] }
                var j = i + 1
                var flags = ""
                if s[j] == UInt8(ascii: "{") {
                    j += 1
                    while s[j] != UInt8(ascii: "}") { flags.append(Character(UnicodeScalar(s[j]))); j += 1 }
                    j += 1
                }
                var name = ""
                if s[j] == UInt8(ascii: "[") {
                    while s[j] != UInt8(ascii: "]") { j += 1 }
                    j += 1
                    name = "sample"
                } else {
                    while j < s.count, s[j] | 0x20 >= 0x61, s[j] | 0x20 <= 0x7A { name.append(Character(UnicodeScalar(s[j]))); j += 1 }
                }
                var quoted = quoteAll
                if flags.contains("+Q") { quoted = true }
                if flags.contains("-Q") { quoted = false }
                i = j
                if name == "o" {
                    quoteAll = quoted
                    while i < s.count, s[i] == 0x20 { i += 1 }
                    continue
                }
                pieces.append(.value(name: "%" + name, quoted: quoted, escaped: flags.contains("+E")))
            }
            if !text.isEmpty { pieces.append(.text(text)) }
        }
    }

    func parse(_ raw: UnsafeRawBufferPointer) -> ParseResult {
        var line = Array(raw)
        while let last = line.last, last == 0x0D || last == 0x20 { line.removeLast() }
        if line.isEmpty { return .ignored }
        if let r = read(line, from: 0) { return r }
        let start = line.withUnsafeBytes { LinePrefix.auto.start(of: $0) }
        if start > 0, start < line.count, let r = read(line, from: start) { return r }
        return .unparsed
    }

    private func read(_ line: [UInt8], from: Int) -> ParseResult? {
        var i = from
        var status: StatusCode?
        var time: Int64?
        for (k, piece) in pieces.enumerated() {
            switch piece {
            case .text(let t):
                guard i + t.count <= line.count, Array(line[i..<(i + t.count)]) == t else { return nil }
                i += t.count
            case .gap:
                if i < line.count, line[i] == 0x20 { i += 1 } else if !(i == line.count || (i > from && line[i - 1] == 0x20)) { return nil }
            case .value(let name, let quoted, let escaped):
                if let (end, t) = readTime(name, line, i) {
                    guard let t else { return nil }
                    time = t
                    i = end
                    continue
                }
                var value: [UInt8] = []
                if quoted, i < line.count, line[i] == 0x22 {
                    var j = i + 1
                    while j < line.count, line[j] != 0x22 { if escaped && line[j] == 0x5C { j += 1 }; j += 1 }
                    guard j < line.count else { return nil }
                    i = j + 1
                } else if name == "%hr" || name == "%hs" || name == "%hrl" || name == "%hsl" {
                    if i < line.count, line[i] == UInt8(ascii: "{") {
                        guard let close = line[i...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                        i = close + 1
                    }
                    continue
                } else {
                    var stop: UInt8?
                    if k + 1 < pieces.count {
                        switch pieces[k + 1] {
                        case .text(let t): stop = t[0]
                        case .gap: stop = 0x20
                        case .value: stop = nil
                        }
                    }
                    let list = ["$upstream_status", "$upstream_addr", "$http_x_forwarded_for", "$upstream_response_time", "%{X-Forwarded-For}i"].contains(name)
                    var j = stop == nil ? line.count : i
                    while j < line.count {
                        if escaped && line[j] == 0x5C && stop != 0x5C { j += 2; continue }
                        if line[j] == stop {
                            let listSpace = list && stop == 0x20 && j > i
                                && (line[j - 1] == UInt8(ascii: ",") || (line[j - 1] == UInt8(ascii: ":") && j >= 2 && line[j - 2] == 0x20)
                                    || (j + 2 < line.count && line[j + 1] == UInt8(ascii: ":") && line[j + 2] == 0x20))
                            if !listSpace { break }
                        }
                        j += 1
                    }
                    if j > line.count { return nil }
                    if stop != nil && j >= line.count { return nil }
                    value = Array(line[i..<j])
                    if value.isEmpty && (name == "$status" || name == "%status" || name == "%ST") { return nil }
                    i = j
                }
                if name == "$status" || name == "%status" || name == "%ST" {
                    let s = value.withUnsafeBytes { Digits.status($0) }
                    guard let s else { return nil }
                    status = s
                }
            }
        }
        guard i == line.count, let status else { return nil }
        return .entry(status: status, time: time)
    }

    /// A time field: (its end, its value or nil when it does not read); nil when `name` is no time.
    private func readTime(_ name: String, _ line: [UInt8], _ i: Int) -> (Int, Int64?)? {
        func text(_ count: Int) -> [UInt8]? { i + count <= line.count ? Array(line[i..<(i + count)]) : nil }
        switch name {
        case "$time_local", "%T" where server == .haproxy, "%trg", "%Tl", "%trl":
            guard let t = text(26) else { return (i, nil) }
            return (i + 26, t.withUnsafeBytes { CommonLogTime.parse($0, from: 0) })
        case "%t" where server == .apache:
            guard let t = text(28), t[0] == UInt8(ascii: "["), t[27] == UInt8(ascii: "]") else { return (i, nil) }
            return (i + 28, t.withUnsafeBytes { CommonLogTime.parse($0, from: 1) })
        case "%t", "%tr":
            guard let t = text(24), t[20] == UInt8(ascii: "."), t[21...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return (i, nil) }
            let clf = Array(t[0..<20]) + Array(" +0000".utf8)
            return (i + 24, clf.withUnsafeBytes { CommonLogTime.parse($0, from: 0) })
        case "$time_iso8601":
            var end = i + 19
            if end < line.count, line[end] == UInt8(ascii: "Z") { end += 1 } else { end += 6 }
            guard end <= line.count else { return (i, nil) }
            let t = Array(line[i..<end])
            if end == i + 25, !(t[19] == UInt8(ascii: "+") || t[19] == UInt8(ascii: "-")) { return (i, nil) }
            return (end, t.withUnsafeBytes { TimeText.rfc3339($0) })
        case "$msec", "%{sec}t", "%{msec}t", "%{usec}t", "%Ts":
            var j = i
            while j < line.count, line[j] >= 0x30, line[j] <= 0x39, j - i < 18 { j += 1 }
            guard j > i else { return (i, nil) }
            var v: Int64 = 0
            for b in line[i..<j] { v = v * 10 + Int64(b - 0x30) }
            if name == "$msec" || name == "%{sec}t" || name == "%Ts", j < line.count, line[j] == UInt8(ascii: ".") {
                j += 1
                let f = j
                while j < line.count, line[j] >= 0x30, line[j] <= 0x39 { j += 1 }
                if j == f { return (i, nil) }
            }
            if name == "%{msec}t" { v /= 1000 }
            if name == "%{usec}t" { v /= 1_000_000 }
            return (j, v)
        default: return nil
        }
    }
}

/// The format strings the fuzzer and the reference tests read lines by.
enum FuzzFormats {
    static let all: [(FormatTemplate.Server, String)] = [
        (.nginx, #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#),
        (.nginx, #"$host $upstream_status $remote_addr [$time_local] "$request" $status $body_bytes_sent $upstream_addr"#),
        (.nginx, #"$remote_addr "$http_x_forwarded_for" [$time_local] "$request" $status ${request_time}s"#),
        (.nginx, #"escape=json {"t":"$time_iso8601","h":"$host","s":"$status","r":"$request","u":"$http_user_agent"}"#),
        (.nginx, #"escape=none $msec|$status|$request"#),
        (.apache, #"%v:%p %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D"#),
        (.apache, #"%h %{X-Forwarded-For}i %{msec}t \"%r\" %s %>s %T"#),
        (.haproxy, "httplog"),
        (.haproxy, "clf"),
        (.haproxy, #"%ci:%cp [%t] %ft %b/%s %Th/%Ti/%TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %{+Q}HU %{+Q,+E}r"#),
    ]

    static func compile(_ server: FormatTemplate.Server, _ format: String) throws -> FormatTemplate {
        switch server {
        case .nginx: return try NginxFormat.compile(format)
        case .apache: return try ApacheFormat.compile(format)
        case .haproxy: return try HAProxyFormat.compile(format)
        }
    }
}
