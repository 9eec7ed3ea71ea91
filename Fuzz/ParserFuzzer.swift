// libFuzzer entry: every parser (and the line assembler) on arbitrary bytes. Built by Fuzz/run.sh
// from the core's sources with -sanitize=fuzzer,address; a crash or a status out of range fails.

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
    return 0
}
