import Foundation
import Testing

/// `statusd replay --chart` checked as a person would: the SVG opened in a real browser (Debian's
/// chromium, headless), the screenshot a PNG of the asked size with a chart on it, not a blank page.
@Suite("statusd replay --chart, in a browser")
struct ReplayChartTests {
    /// An hour at 8 requests a second: 25% 502s from minute 20 to 30, a 30 s blip of 503s at 40.
    func log(_ dir: TempDir) throws -> String {
        var text = ""
        let start = Date(timeIntervalSince1970: 1_795_168_800)
        for s in 0..<3600 {
            let stamp = AccessLines.timeLocal(start.addingTimeInterval(Double(s)))
            for k in 0..<8 {
                let code = (1200..<1800).contains(s) && k < 2 ? 502 : (2400..<2430).contains(s) && k < 4 ? 503 : 200
                text += "10.0.0.\(k) - - [\(stamp)] \"GET /api/orders/\(s) HTTP/1.1\" \(code) 512 \"-\" \"curl\"\n"
            }
        }
        try dir.write("access.log", text)
        return dir.file("access.log")
    }

    /// PNG width, height and the number of distinct colours, read with python3 and zlib alone.
    static let pngCensus = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + n]
            if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            if kind == b'IDAT': idat += body
            pos += 12 + n
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
        raw, stride = zlib.decompress(idat), w * bpp
        prev, colours, i = bytearray(stride), set(), 0
        for y in range(h):
            f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            colours.update(bytes(line[x:x + 3]) for x in range(0, stride, bpp))
            prev = line
        print(w, h, len(colours))
        """

    @Test("the chart renders in headless chromium: a 1200x800 PNG with a chart on it")
    func rendersInBrowser() throws {
        guard let chromium = Proc.which("chromium", "chromium-browser", "/usr/bin/chromium") else {
            Issue.record("chromium not found: install Debian's `chromium` (scripts/test.sh and .ci/run do) to check the chart in a browser")
            return
        }
        let dir = try TempDir("chart")
        let logPath = try log(dir)
        try dir.write("statusd.yaml", """
            inputs:
              - {name: web, path: \(logPath), format: combined}
            rules:
              - {name: server-errors, match: 5xx, rate_above: 5%, resolve_below: 2%, window: 5m, for: 1m}
              - {name: bad-gateway-count, match: 502, count_above: 300, window: 5m}
              - {name: availability, match: 5xx, objective: 99.5%, period: 30d}
            """)
        let svgPath = dir.file("chart.svg")
        let out = try Proc.run(StatusdProcess.binary, ["replay", "--config", dir.file("statusd.yaml"), "--chart", svgPath, logPath], timeout: 120)
        #expect(out.status == 0, "replay: \(out.stderr)")
        #expect(out.stderr.contains("chart of 3 rules written to \(svgPath)"))
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.components(separatedBy: "<g id=\"panel-").count - 1 == 3)

        let png = dir.file("chart.png")
        let shot = try Proc.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(dir.file("chromium"))",
            "--screenshot=\(png)", "--window-size=1200,800", "file://\(svgPath)",
        ], timeout: 120)
        #expect(FileManager.default.fileExists(atPath: png), "no screenshot: \(shot.stderr)")
        try dir.write("census.py", Self.pngCensus)
        let census = try Proc.run("/usr/bin/python3", [dir.file("census.py"), png], timeout: 120)
        let fields = census.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(fields.count == 3, "python3: \(census.stderr)")
        guard fields.count == 3 else { return }
        #expect(fields[0] == 1200 && fields[1] == 800, "screenshot size \(fields[0])x\(fields[1])")
        // A blank page is one colour; the chart has text, lines in several colours, shading.
        #expect(fields[2] > 50, "only \(fields[2]) colours: blank?")
    }
}
