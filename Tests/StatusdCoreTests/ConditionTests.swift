import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

@Suite("conditions: guard, count, no_traffic, spike, SLO burn rates")
struct ConditionTests {
    func sum(_ matched: UInt64, of total: UInt64) -> WindowSum { WindowSum(total: total, matched: matched) }

    @Test("Wilson guard: 3 errors in 20 requests do not page at 10%, 300 in 2,000 do; guard none pages on both")
    func wilson() {
        let guarded = RateCondition(limit: 0.10, window: 300, minRequests: 20)
        #expect(!guarded.evaluate(sum(3, of: 20)).breaching)
        #expect(guarded.evaluate(sum(300, of: 2000)).breaching)
        let bare = RateCondition(limit: 0.10, window: 300, minRequests: 20, wilsonGuard: false)
        #expect(bare.evaluate(sum(3, of: 20)).breaching)
        #expect(bare.evaluate(sum(300, of: 2000)).breaching)
        // The bound itself: 15% of 20 is 5.2%..36%; of 2000, 13.5%..16.6%.
        #expect(abs(Wilson.lowerBound(3, of: 20) - 0.0524) < 0.001)
        #expect(abs(Wilson.lowerBound(300, of: 2000) - 0.1348) < 0.001)
        #expect(Wilson.lowerBound(0, of: 0) == 0)
    }

    @Test("count_above: more than N matching requests in the window")
    func count() {
        let c = CountCondition(limit: 50, window: 60)
        #expect(!c.evaluate(sum(50, of: 1000)).breaching)
        #expect(c.evaluate(sum(51, of: 52)).breaching)
    }

    @Test("no_traffic: no line at all; or below a share of the baseline level")
    func noTraffic() {
        let n = NoTrafficCondition(window: 300)
        #expect(n.evaluate([sum(0, of: 0)]).breaching)
        #expect(!n.evaluate([sum(0, of: 1)]).breaching)
        let b = NoTrafficCondition(window: 300, below: 0.10, baseline: 3600)
        // 12,000 requests over the hour before: 1,000 per 5 minutes usually.
        #expect(b.evaluate([sum(0, of: 50), sum(0, of: 12_050)]).breaching)
        #expect(!b.evaluate([sum(0, of: 150), sum(0, of: 12_150)]).breaching)
        // A site that is always quiet has no baseline to fall below.
        #expect(!b.evaluate([sum(0, of: 1), sum(0, of: 13)]).breaching)
    }

    @Test("spike: N times its own baseline, and above the floor")
    func spike() {
        let s = SpikeCondition(factor: 3, window: 300, baseline: 3600, floor: 0.01)
        // Baseline 1% (120 of 12,000 before the window); now 4% of 1,000.
        #expect(s.evaluate([sum(40, of: 1000), sum(160, of: 13_000)]).breaching)
        // 2.5% is not 3x of 1%.
        #expect(!s.evaluate([sum(25, of: 1000), sum(145, of: 13_000)]).breaching)
        // From 0.1% to 0.5%: 5x, but under the 1% floor.
        #expect(!s.evaluate([sum(5, of: 1000), sum(17, of: 13_000)]).breaching)
    }

    @Test("SLO 99.9%/30d: Workbook thresholds 14.4, 6 and 1; page needs 1h and 5m, ticket 3d and 6h")
    func slo() {
        let c = SLOCondition(objective: 0.999, period: 30 * 86400)
        #expect(SLOCondition.pairs.map { c.threshold($0) }.map { ($0 * 10).rounded() / 10 } == [14.4, 6, 1])
        // Windows 5m, 30m, 1h, 6h, 3d, 30d. 2% errors burn 20x.
        let hot = sum(200, of: 10_000), cool = sum(1, of: 10_000)
        var r = c.evaluateTracks([hot, cool, hot, cool, cool, cool])
        #expect(r[0].breaching && r[0].severity == .critical)
        #expect(r[0].detail?.hasPrefix("page: 1h burn 20x and 5m burn 20x, above 14.4x") == true, "\(r[0].detail ?? "")")
        #expect(!r[1].breaching)
        // 1h hot but the last 5 minutes recovered: no page (reset fast).
        r = c.evaluateTracks([cool, cool, hot, cool, cool, cool])
        #expect(!r[0].breaching && r[0].calm)
        // Slow burn: 0.15% for days: ticket (1.5x), not page.
        let slow = sum(150, of: 100_000)
        r = c.evaluateTracks([slow, slow, slow, slow, slow, slow])
        #expect(!r[0].breaching)
        #expect(r[1].breaching && r[1].severity == .warning)
        #expect(abs((r[1].budgetLeft ?? 0) - (-0.5)) < 1e-9, "1.5x over the whole period overspends by half")
        #expect(r[1].detail?.contains("0% of the 30d error budget left") == true)
    }

    @Test("tiered counts: windows over 10 minutes read coarser buckets, exact to the bucket; late counts land")
    func tiered() {
        var t = TieredCounts(windows: [300, 3600, 21600, 259_200, 30 * 86400])
        #expect(t.tiers.map(\.width) == [10, 60, 3600])
        for s in Int64(0)..<7200 { t.ingest(s, total: 2, matched: s % 10 == 0 ? 1 : 0) }
        // (3599, 7199]: 3600 seconds (the window starts at a 10 s boundary: exact here).
        #expect(t.sum(length: 3600, endingAt: 7199) == WindowSum(total: 7200, matched: 360))
        t.ingest(7200, total: 2, matched: 0)
        #expect(t.sum(length: 3600, endingAt: 7200).total == 7200 - 20 + 2, "the oldest 10 s bucket left whole")
        t.addLate(7195, total: 5, matched: 5)
        #expect(t.sum(length: 3600, endingAt: 7200).matched == 360 - 1 + 5)
        #expect(t.sum(length: 21600, endingAt: 7200).total == 2 * 7201 + 5)
        // A 30-day SLO costs about 43 KB per series: per 10 s for 1 h, per minute for 3 d, per hour for 30 d.
        #expect(t.bucketBytes < 45_000)
        var u = TieredCounts(windows: [3600, 21600, 259_200, 30 * 86400])
        u.restore(t.snapshot)
        #expect(u.sum(length: 3600, endingAt: 7200) == t.sum(length: 3600, endingAt: 7200))
    }
}
