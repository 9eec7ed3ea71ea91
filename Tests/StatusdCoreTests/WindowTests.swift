import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("sliding windows")
struct WindowTests {
    let fiveXX = set("5xx")

    @Test("a sum covers exactly the last N seconds")
    func slides() {
        var w = StatusWindow(capacitySeconds: 61)
        for s in Int64(1000)..<1100 {
            w.add(StatusCode(200)!, count: 9, at: s)
            w.add(StatusCode(502)!, count: 1, at: s)
        }
        let sum = w.sum(lastSeconds: 60, endingAt: 1099, matching: fiveXX)
        #expect(sum.total == 600 && sum.matched == 60)
        #expect(sum.rate == 0.1)
        // Thirty seconds later with no traffic, half the window is empty.
        let later = w.sum(lastSeconds: 60, endingAt: 1129, matching: fiveXX)
        #expect(later.total == 300)
        #expect(w.sum(lastSeconds: 60, endingAt: 1200, matching: fiveXX).total == 0)
    }

    @Test("a second with more distinct codes than fit inline keeps every count, and a reused slot forgets them")
    func manyCodesInOneSecond() {
        let codes: [UInt16] = [200, 301, 302, 304, 404, 499, 500, 502, 503]
        var w = StatusWindow(capacitySeconds: 10)
        for round in 1...3 {
            for (k, c) in codes.enumerated() { w.add(StatusCode(Int(c))!, count: UInt32(k + round), at: 500) }
        }
        let b = w.bucket(at: 500)!
        #expect(b.codeCount == codes.count)
        #expect(b.codes == codes)
        #expect(b.counts == codes.indices.map { UInt32(3 * $0 + 6) })
        let sum = w.sum(lastSeconds: 1, endingAt: 500, matching: fiveXX)
        #expect(sum.total == b.total)
        #expect(sum.matched == UInt64((6...8).reduce(0) { $0 + 3 * $1 + 6 }))
        // Ten seconds on, the slot holds second 510 only.
        w.add(StatusCode(200)!, count: 1, at: 510)
        #expect(w.bucket(at: 500) == nil)
        #expect(w.bucket(at: 510)!.codes == [200] && w.bucket(at: 510)!.total == 1)
    }

    @Test("a late line lands in its own second while that second is in the ring")
    func lateLines() {
        var w = StatusWindow(capacitySeconds: 300)
        w.add(StatusCode(200)!, at: 2000)
        let late = w.add(StatusCode(503)!, at: 1900)
        #expect(late)
        #expect(w.sum(lastSeconds: 50, endingAt: 2000, matching: fiveXX).matched == 0)
        #expect(w.sum(lastSeconds: 200, endingAt: 2000, matching: fiveXX).matched == 1)
        let tooOld = w.add(StatusCode(503)!, at: 1700)
        #expect(!tooOld, "older than the ring: refused, the caller counts it as too late")
    }

    @Test("memory is bounded by the window, not by traffic; a 1 h window works")
    func bounded() {
        var w = StatusWindow(capacitySeconds: 3600)
        for s in Int64(0)..<20_000 { w.add(StatusCode(s % 7 == 0 ? 500 : 200)!, count: 100, at: s) }
        #expect(w.bucketsSnapshot().count == 3600)
        let sum = w.sum(lastSeconds: 3600, endingAt: 19_999, matching: fiveXX)
        #expect(sum.total == 360_000)
        let sevens = (16_400..<20_000).filter { $0 % 7 == 0 }.count
        #expect(sum.matched == UInt64(sevens * 100))
    }

    @Test("codes in a sum come most frequent first")
    func dominantCodes() {
        var w = StatusWindow(capacitySeconds: 60)
        w.add(StatusCode(503)!, count: 2, at: 10)
        w.add(StatusCode(502)!, count: 5, at: 11)
        w.add(StatusCode(504)!, count: 2, at: 12)
        let codes = w.sum(lastSeconds: 60, endingAt: 12, matching: fiveXX).sortedCodes
        #expect(codes.map(\.code.rawValue) == [502, 503, 504])
    }

    @Test("a resized window keeps what fits")
    func resize() {
        var t = InputTally(windowSeconds: 600)
        for s in Int64(0)..<600 {
            if !t.count(StatusCode(200)!, at: s) {
                t.flush()
                let counted = t.count(StatusCode(200)!, at: s)
                #expect(counted)
            }
        }
        t.resize(windowSeconds: 60)
        #expect(t.window.sum(lastSeconds: 600, endingAt: 599, matching: set("2xx")).total == 60)
        #expect(t.totals.requests == 600)
    }
}
