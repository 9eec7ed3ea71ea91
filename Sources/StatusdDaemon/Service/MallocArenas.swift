#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc gives threads that allocate at the same time their own arenas (up to eight per
/// core), each holding freed memory of its own. The daemon's threads (the pipeline, NIO's event
/// loops, the concurrency pool) allocate little and rarely at once: two arenas hold the same data
/// in less resident memory (`Benchmarks/rule-memory.sh`). `MALLOC_ARENA_MAX` in the environment
/// still wins.
enum MallocArenas {
    /// glibc's `M_ARENA_MAX` (`malloc.h`, which Swift's Glibc module does not include).
    private static let arenaMax: Int32 = -8

    static func limit(to count: Int32 = 2) {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMax, count)
        #endif
    }
}
