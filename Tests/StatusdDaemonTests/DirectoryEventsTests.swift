import Glibc
import Testing
@testable import StatusdDaemon

@Suite("a batch of inotify events, summed up")
struct DirectoryEventsTests {
    let dirs: [Int32: String] = [1: "/var/log/nginx", 2: "/"]
    let open: Set<String> = ["/var/log/nginx/access.log"]

    func event(_ wd: Int32, _ mask: Int32, _ name: String = "", cookie: UInt32 = 0) -> Inotify.Event {
        Inotify.Event(wd: wd, mask: UInt32(mask), cookie: cookie, name: name)
    }

    func summary(_ events: [Inotify.Event]) -> DirectoryEvents {
        DirectoryEvents(events, directories: dirs, isOpen: { open.contains($0) })
    }

    @Test("MOVED_FROM and MOVED_TO paired by cookie give a rename; unpaired ones do not")
    func renamePair() {
        let s = summary([
            event(1, IN_MOVED_FROM, "access.log", cookie: 7),
            event(1, IN_MOVED_FROM, "other.log", cookie: 8),
            event(1, IN_MOVED_TO, "access.log.1", cookie: 7),
            event(1, IN_MOVED_TO, "stray.log", cookie: 9),
        ])
        #expect(s.renames == [.init(from: "/var/log/nginx/access.log", to: "/var/log/nginx/access.log.1")])
        #expect(s.rescanNeeded)
        #expect(!s.overflowed)
    }

    @Test("an overflowed queue asks for a rescan")
    func overflow() {
        let s = summary([event(-1, IN_Q_OVERFLOW)])
        #expect(s.overflowed && s.rescanNeeded)
        #expect(s.modified.isEmpty && s.renames.isEmpty && !s.unknownWrite)
    }

    @Test("writes: to a followed file it is read, elsewhere a draining file may have grown; no rescan")
    func writes() {
        let s = summary([event(1, IN_MODIFY, "access.log"), event(1, IN_MODIFY, "access.log"), event(2, IN_MODIFY, "x.log")])
        #expect(s.modified == ["/var/log/nginx/access.log"])
        #expect(s.unknownWrite)
        #expect(!s.rescanNeeded)
    }

    @Test("creation, deletion and attribute changes ask for a rescan; events on unknown watches are ignored")
    func rescans() {
        for mask in [IN_CREATE, IN_DELETE, IN_ATTRIB, IN_DELETE_SELF, IN_MOVE_SELF] {
            #expect(summary([event(1, mask, "access.log")]).rescanNeeded)
        }
        let unknown = summary([event(9, IN_CREATE, "a.log"), event(9, IN_MODIFY, "a.log")])
        #expect(!unknown.rescanNeeded && !unknown.unknownWrite)
        #expect(!summary([event(1, IN_CLOSE_WRITE, "access.log")]).rescanNeeded)
    }

    @Test("a lost watch is reported, and later events on it in the batch mean nothing")
    func lostWatch() {
        let s = summary([event(1, IN_IGNORED), event(1, IN_MODIFY, "access.log")])
        #expect(s.lostWatches == [.init(wd: 1, directory: "/var/log/nginx")])
        #expect(s.rescanNeeded)
        #expect(s.modified.isEmpty && !s.unknownWrite)
    }
}
