import StatusdFiles
import Testing
@testable import StatusdDaemon

@Suite("configured paths and globs")
struct PathPatternTests {
    let names = ["access.log", "access.log.1", "access.log.2.gz", "access.log-20250101", "access.log.3.zst",
                 "error.log", "api-access.log", ".", ".."]

    @Test("a path splits into its directory and name; a glob is recognised by * ? [")
    func split() {
        let p = PathPattern("/var/log/nginx/access.log")
        #expect(p.directory == "/var/log/nginx" && p.name == "access.log" && !p.isGlob)
        #expect(PathPattern("/var/log/nginx/*.log").isGlob)
        #expect(PathPattern("/var/log/app?.log").isGlob)
        #expect(PathPattern("/var/log/app[12].log").isGlob)
    }

    @Test("a file in / has the directory / and paths without a double slash")
    func root() {
        let p = PathPattern("/access.log")
        #expect(p.directory == "/" && p.name == "access.log")
        #expect(p.paths(among: names) == ["/access.log"])
        #expect(PathPattern("/*.log").paths(among: names) == ["/access.log", "/api-access.log", "/error.log"])
        #expect(PathPattern.prefix("/") == "/")
    }

    @Test("a glob matches names in its directory, sorted; compressed rotations are never tailed")
    func glob() {
        #expect(PathPattern("/var/log/nginx/access.log*").paths(among: names) == [
            "/var/log/nginx/access.log", "/var/log/nginx/access.log-20250101", "/var/log/nginx/access.log.1",
        ])
        #expect(PathPattern("/var/log/nginx/*access.log").paths(among: names) == [
            "/var/log/nginx/access.log", "/var/log/nginx/api-access.log",
        ])
        #expect(PathPattern("/var/log/nginx/access.log.[0-9]").paths(among: names) == ["/var/log/nginx/access.log.1"])
        #expect(PathPattern("/var/log/nginx/*.gz").paths(among: names).isEmpty)
    }

    @Test("a plain path is its own match whether or not it exists yet")
    func plain() {
        #expect(PathPattern("/var/log/nginx/new.log").paths(among: names) == ["/var/log/nginx/new.log"])
        #expect(PathPattern("/var/log/nginx/access.log").matches(name: "access.log"))
        #expect(!PathPattern("/var/log/nginx/access.log").matches(name: "access.log.1"))
    }

    @Test("compressed names", arguments: ["a.gz", "a.log.bz2", "a.xz", "a.zst", "a.lz4", "a.zip"])
    func compressed(_ name: String) {
        #expect(PathPattern.isCompressed(name))
        #expect(!PathPattern.isListable(name))
    }

    @Test("names that are not compressed")
    func notCompressed() {
        #expect(!PathPattern.isCompressed("access.log"))
        #expect(!PathPattern.isCompressed("access.log.1"))
        #expect(!PathPattern.isCompressed("gz.log"))
    }
}
