#if canImport(Glibc)
import Glibc
#endif

/// How the daemon asks glibc's malloc to keep its resident memory small (`Benchmarks/rule-memory.sh`).
///
/// - Arenas: glibc gives threads that allocate at the same time their own arenas (up to eight per
///   core), each holding freed memory of its own. The daemon's threads (the pipeline, NIO's event
///   loops, the concurrency pool) allocate little and rarely at once, so two arenas do.
///   `MALLOC_ARENA_MAX` in the environment still wins.
/// - Trim: a status or metrics report of 100 inputs is built, encoded and freed in a few MB that
///   malloc would otherwise keep; after one, the free pages go back to the kernel (`malloc_trim`).
///   Reports are asked for by people and scrapers, seconds apart: the trim costs nothing that counts.
/// `malloc.h` is not in Swift's Glibc module, so both functions are looked up by name.
enum Malloc {
    /// glibc's `M_ARENA_MAX`.
    private static let arenaMax: Int32 = -8

    static func limitArenas(to count: Int32 = 2) {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMax, count)
        #endif
    }

    /// Returns the free pages of every arena to the kernel.
    static func trim() {
        #if canImport(Glibc)
        guard let symbol = trimSymbol else { return }
        let mallocTrim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = mallocTrim(0)
        #endif
    }

    #if canImport(Glibc)
    nonisolated(unsafe) private static let trimSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
    #endif
}
