import Foundation
import Testing
@testable import StatusdCore
@testable import StatusdParse
@testable import StatusdEngine
@testable import StatusdReplay
@testable import StatusdConfig
@testable import StatusdRender

/// Maintenance windows on the wall clock of real zones (Debian's tzdata, read as the daemon reads
/// it), across the clock changes of Europe/Berlin and America/New_York.
@Suite("maintenance windows: recurrence, time zones, clock changes")
struct MaintenanceWindowTests {
    static func zone(_ name: String) throws -> TimeZoneRules {
        let data = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + name), "tzdata is not installed")
        return try TimeZoneRules(tzif: [UInt8](data), name: name)
    }

    /// Unix seconds of a UTC date and time.
    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 {
        CivilTime.daysFromCivil(year: y, month: mo, day: d) * 86400 + Int64(h * 3600 + mi * 60)
    }

    func window(_ every: String, _ zone: TimeZoneRules, rules: [String] = ["server-errors"], groups: [String] = []) throws -> MaintenanceWindow {
        let r = try Recurrence.parse(every).get()
        return MaintenanceWindow(name: "w", rules: rules, groups: groups, every: every, recurrence: r, zone: zone)
    }

    /// Every minute of [from, to): muted exactly inside `expected`.
    func expectMutes(_ w: MaintenanceWindow, from: Int64, to: Int64, exactly expected: [Range<Int64>], _ what: String) {
        let schedule = MaintenanceSchedule([w])
        var wrong: [String] = []
        var t = from
        while t < to {
            let muted = schedule.muting(rule: "server-errors", group: nil, at: t) != nil
            if muted != expected.contains(where: { $0.contains(t) }) { wrong.append(CivilTime.iso8601(t)) }
            t += 60
        }
        #expect(wrong.isEmpty, "\(what): wrong at \(wrong.prefix(5))")
    }

    @Test("Berlin Sun 02:00-04:00: two hours on a normal Sunday, one when clocks go forward, three when they go back")
    func berlin() throws {
        let w = try window("Sun 02:00-04:00", Self.zone("Europe/Berlin"))
        func u(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 { Self.utc(y, mo, d, h, mi) }
        // 2026-03-22: CET (UTC+1); 2026-03-29 01:00 UTC clocks go 02:00 → 03:00; 2026-04-05: CEST.
        expectMutes(w, from: u(2026, 3, 21, 12), to: u(2026, 4, 6, 0), exactly: [
            u(2026, 3, 22, 1)..<u(2026, 3, 22, 3),
            u(2026, 3, 29, 1)..<u(2026, 3, 29, 2),
            u(2026, 4, 5, 0)..<u(2026, 4, 5, 2),
        ], "spring")
        // 2026-10-25 01:00 UTC clocks go 03:00 → 02:00: 02:00 CEST (00:00 UTC) to 04:00 CET (03:00 UTC).
        expectMutes(w, from: u(2026, 10, 17, 12), to: u(2026, 11, 2, 0), exactly: [
            u(2026, 10, 18, 0)..<u(2026, 10, 18, 2),
            u(2026, 10, 25, 0)..<u(2026, 10, 25, 3),
            u(2026, 11, 1, 1)..<u(2026, 11, 1, 3),
        ], "autumn")
        #expect(w.inForce(at: u(2026, 3, 29, 1, 30)) == u(2026, 3, 29, 1)..<u(2026, 3, 29, 2))
        #expect(w.upcoming(after: u(2026, 3, 28, 0), count: 2) == [u(2026, 3, 29, 1)..<u(2026, 3, 29, 2), u(2026, 4, 5, 0)..<u(2026, 4, 5, 2)])
    }

    @Test("New York Sun 01:00-03:00: one hour on 8 March, three on 1 November")
    func newYork() throws {
        let w = try window("Sun 01:00-03:00", Self.zone("America/New_York"))
        func u(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 { Self.utc(y, mo, d, h, mi) }
        // 2026-03-08 07:00 UTC: 02:00 EST → 03:00 EDT. 01:00 EST is 06:00 UTC.
        expectMutes(w, from: u(2026, 3, 7, 0), to: u(2026, 3, 16, 0), exactly: [
            u(2026, 3, 8, 6)..<u(2026, 3, 8, 7),
            u(2026, 3, 15, 5)..<u(2026, 3, 15, 7),
        ], "spring")
        // 2026-11-01 06:00 UTC: 02:00 EDT → 01:00 EST. 01:00 EDT is 05:00 UTC, 03:00 EST 08:00 UTC.
        expectMutes(w, from: u(2026, 10, 24, 0), to: u(2026, 11, 9, 0), exactly: [
            u(2026, 10, 25, 5)..<u(2026, 10, 25, 7),
            u(2026, 11, 1, 5)..<u(2026, 11, 1, 8),
            u(2026, 11, 8, 6)..<u(2026, 11, 8, 8),
        ], "autumn")
    }

    @Test("a span ending inside the repeated hour mutes only while the clock reads inside it")
    func partlyRepeated() throws {
        let w = try window("Sun 01:00-02:30", Self.zone("Europe/Berlin"))
        func u(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 { Self.utc(y, mo, d, h, mi) }
        // 01:00 CEST = Sat 23:00 UTC to 02:30 CEST = 00:30 UTC; then 02:00-02:30 CET = 01:00-01:30 UTC.
        expectMutes(w, from: u(2026, 10, 24, 12), to: u(2026, 10, 25, 12), exactly: [
            u(2026, 10, 24, 23)..<u(2026, 10, 25, 0, 30),
            u(2026, 10, 25, 1)..<u(2026, 10, 25, 1, 30),
        ], "autumn")
        // Wholly inside the skipped hour: nothing that night.
        let skipped = try window("Sun 02:15-02:45", Self.zone("Europe/Berlin"))
        expectMutes(skipped, from: u(2026, 3, 28, 12), to: u(2026, 3, 29, 12), exactly: [], "skipped hour")
    }

    @Test("daily, weekday ranges, days of the month, past midnight")
    func recurrences() throws {
        let berlin = try Self.zone("Europe/Berlin")
        func u(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Int64 { Self.utc(y, mo, d, h, mi) }
        // Sat 23:00 - Sun 01:00 Berlin (CET in January): Sat 22:00 - Sun 00:00 UTC. 2026-01-03 is a Saturday.
        let late = try window("Sat 23:00-01:00", berlin)
        expectMutes(late, from: u(2026, 1, 2, 0), to: u(2026, 1, 5, 0), exactly: [u(2026, 1, 3, 22)..<u(2026, 1, 4, 0)], "past midnight")
        let workdays = try window("Mon-Fri 12:00-13:00", .utc)
        // 2026-01-05 is a Monday.
        expectMutes(workdays, from: u(2026, 1, 3, 0), to: u(2026, 1, 12, 0), exactly: (5...9).map { u(2026, 1, $0, 12)..<u(2026, 1, $0, 13) }, "Mon-Fri")
        let monthly = try window("1,31 00:00-24:00", .utc)
        expectMutes(monthly, from: u(2026, 1, 30, 0), to: u(2026, 3, 2, 0), exactly: [
            u(2026, 1, 31, 0)..<u(2026, 2, 2, 0), u(2026, 3, 1, 0)..<u(2026, 3, 2, 0),
        ], "days of the month (no 31 February)")
        let daily = try window("daily 03:00-03:30", .utc)
        #expect(daily.upcoming(after: u(2026, 1, 1, 3, 10), count: 2) == [u(2026, 1, 2, 3)..<u(2026, 1, 2, 3, 30), u(2026, 1, 3, 3)..<u(2026, 1, 3, 3, 30)])
        #expect(try window("Fri-Mon 00:00-01:00", .utc).recurrence.days == .weekdays([5, 6, 0, 1]))
    }

    @Test("bad `every` values are refused with a reason")
    func badEvery() {
        for bad in ["Sun", "Sun 2:00-4:00", "Sun 02:00-02:00", "Funday 02:00-04:00", "Sun 02:00-25:00", "32 01:00-02:00", "Sun,1 01:00-02:00", "Sun 02:00 04:00 x"] {
            guard case .failure = Recurrence.parse(bad) else { Issue.record("accepted `\(bad)`"); continue }
        }
    }

    @Test("groups: a value or one part of a combined value; rules: only those named")
    func coverage() throws {
        let w = try window("daily 00:00-24:00", .utc, rules: [], groups: ["web"])
        #expect(w.covers(rule: "a", group: "web"))
        #expect(w.covers(rule: "b", group: "web,shop.example"))
        #expect(!w.covers(rule: "a", group: "api"))
        #expect(!w.covers(rule: "a", group: nil))
        let r = try window("daily 00:00-24:00", .utc, rules: ["a"])
        #expect(r.covers(rule: "a", group: "x") && !r.covers(rule: "b", group: nil))
    }

    @Test("the footer rule gives the same changes as the listed transitions (2026-2037)")
    func footerMatchesTransitions() throws {
        for name in ["Europe/Berlin", "America/New_York", "Australia/Sydney"] {
            let zone = try Self.zone(name)
            let footer = try #require(zone.footer, "\(name) has no footer")
            for year in 2026...2036 {
                let from = Self.utc(year, 1, 1, 0), to = Self.utc(year + 1, 1, 1, 0)
                let listed = zone.changes(from: from, to: to)
                let c = try #require(footer.changes(inYear: year))
                #expect(listed == [c.start, c.end].sorted(), "\(name) \(year)")
                for t in stride(from: from, to: to, by: 3600 * 7) { #expect(footer.offset(at: t) == zone.offset(at: t), "\(name) \(CivilTime.iso8601(t))") }
            }
            // Beyond the listed transitions (2037): the footer's.
            let later = zone.changes(from: Self.utc(2040, 1, 1, 0), to: Self.utc(2041, 1, 1, 0))
            #expect(later.count == 2, "\(name) 2040")
        }
    }

    @Test("TZif that is not, or is cut short, is refused")
    func badTZif() throws {
        #expect(throws: TZifError.notTZif) { try TimeZoneRules(tzif: Array("hello world, this is not a tz file at all!!!".utf8), name: "x") }
        let data = try [UInt8](#require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Europe/Berlin")))
        #expect(throws: TZifError.truncated) { try TimeZoneRules(tzif: Array(data.prefix(200)), name: "x") }
        #expect(PosixTZ("CET-1CEST,M3.5.0,M10.5.0/3")?.standardOffset == 3600)
        #expect(PosixTZ("EST5EDT,M3.2.0,M11.1.0")?.daylightOffset == Int32(-4 * 3600))
        #expect(PosixTZ("<+0330>-3:30")?.standardOffset == 12600)
        #expect(PosixTZ("X") == nil)
    }
}
