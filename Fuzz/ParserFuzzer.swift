// libFuzzer entry: every parser (and the line assembler) on arbitrary bytes. Built by Fuzz/run.sh
// from the core's sources with -sanitize=fuzzer,address; a crash, a status out of range, a fast
// parser that reads a line otherwise than its reference, or a one-pass replay reader that counts
// otherwise than line by line fails.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for format in LogFormat.allCases where format != .regex {
        var decoder = FileDecoder(format: format, maxLineBytes: 256)
        let check = { (r: ParseResult) in
            if case .entry(let s, _) = r, s.rawValue >= 1000 { fatalError("status out of range") }
        }
        decoder.parse(bytes, check)
        decoder.flush(check)
    }
    // Replay's one-pass readers (combined, JSON) against the same bytes parsed line by line.
    for format in [LogFormat.combined, .nginxJSON, .json] { onePassCountsAsLineByLine(bytes, format, FormatOptions(), "\(format)") }
    // Syslog headers: no crash, and the tag and message lie within the datagram.
    if let m = SyslogMessage.parse(bytes), m.tag.lowerBound < 0 || m.tag.upperBound > size || m.message < 0 || m.message > size {
        fatalError("syslog header out of the datagram")
    }
    // Container envelopes: no crash, and replay's tally counts what line-by-line parsing counts.
    for wrapper in [ContainerWrapper.cri, .docker, .auto] {
        var options = FormatOptions()
        options.wrapper = wrapper
        for format in [LogFormat.combined, .json] { onePassCountsAsLineByLine(bytes, format, options, "\(wrapper) \(format)", maxLineBytes: 512) }
    }
    // Compiled formats inside the envelopes, one with a time and one without (its lines take the
    // runtime's time in both paths).
    for wrapper in [ContainerWrapper.cri, .docker] {
        for format in [FuzzFormats.all[1].1, #"$remote_addr "$request" $status $body_bytes_sent"#] {
            guard let t = try? FuzzFormats.compile(.nginx, format) else { fatalError("\(format) does not compile") }
            var options = FormatOptions()
            options.wrapper = wrapper
            options.template = t
            onePassCountsAsLineByLine(bytes, .nginx, options, "\(wrapper) `\(format)`", maxLineBytes: 512)
        }
    }
    // The fast parsers against the byte-loop ones they replaced (Tests/StatusdCoreTests/ReferenceParsers.swift).
    var lines = LineAssembler(maxLineBytes: 4096)
    var combined = CombinedParser(), combinedRef = ReferenceCombinedParser()
    let keys = JSONParser.preset(.nginxJSON)
    var json = JSONParser(statusKeys: keys.status, timeKeys: keys.time)
    var jsonRef = ReferenceJSONParser(statusKeys: keys.status, timeKeys: keys.time)
    var w3c = W3CParser(), w3cRef = ReferenceW3CParser()
    let compare = { (line: UnsafeRawBufferPointer) in
        if combined.parse(line) != combinedRef.parse(line) { fatalError("combined differs from the reference") }
        // JSON may hold a line until it sees the next (a cut-off line or an object over several lines).
        var got: [ParseResult] = [], want: [ParseResult] = []
        json.parse(line) { got.append($0) }
        jsonRef.parse(line) { want.append($0) }
        if got != want { fatalError("JSON differs from the reference") }
        if w3c.parse(line) != w3cRef.parse(line) { fatalError("W3C differs from the reference") }
        if LinePrefix.containerEnd(line) != ReferencePrefix.containerEnd(line) { fatalError("container prefix differs") }
    }
    lines.feed(bytes, compare)
    lines.flush(compare)
    var got: [ParseResult] = [], want: [ParseResult] = []
    json.finish { got.append($0) }
    jsonRef.finish { want.append($0) }
    if got != want { fatalError("JSON differs from the reference at the end") }
    // Every parser compiled from a format string against the plain reading of the same string
    // (Tests/StatusdCoreTests/ReferenceTemplateParser.swift).
    for (server, format) in FuzzFormats.all {
        guard let t = try? FuzzFormats.compile(server, format) else { fatalError("\(format) does not compile") }
        var fast = TemplateParser(t), slow = ReferenceTemplateParser(server: server, format: format)
        var templateLines = LineAssembler(maxLineBytes: 4096)
        let same = { (line: UnsafeRawBufferPointer) in
            if fast.parse(line) != slow.parse(line) { fatalError("\(server) `\(format)` differs from the reference") }
        }
        templateLines.feed(bytes, same)
        templateLines.flush(same)
    }
    // Replay's one-pass reader for compiled formats (`TemplateParser.tally(lines:)`) against the
    // same bytes parsed line by line, for every format string the fuzzer reads by.
    for (server, format) in FuzzFormats.all {
        guard let t = try? FuzzFormats.compile(server, format) else { fatalError("\(format) does not compile") }
        var options = FormatOptions()
        options.template = t
        let logFormat: LogFormat = server == .nginx ? .nginx : server == .apache ? .apache : .haproxy
        onePassCountsAsLineByLine(bytes, logFormat, options, "\(server) `\(format)`")
    }
    return 0
}

/// Replay's `tally` (one pass where the format has one) must count what parsing line by line counts.
func onePassCountsAsLineByLine(_ bytes: UnsafeRawBufferPointer, _ format: LogFormat, _ options: FormatOptions, _ what: String,
                               maxLineBytes: Int = 64 * 1024) {
    var onePass = FileDecoder(format: format, options: options, maxLineBytes: maxLineBytes)
    var byLine = FileDecoder(format: format, options: options, maxLineBytes: maxLineBytes)
    let a = SecondRuns(), b = SecondRuns()
    onePass.tally(bytes, into: a)
    onePass.flush(into: a)
    byLine.parse(bytes) { b.add($0) }
    byLine.flush { b.add($0) }
    a.close()
    b.close()
    if a.runs != b.runs || a.entries != b.entries { fatalError("\(what): one pass differs from line by line") }
}
