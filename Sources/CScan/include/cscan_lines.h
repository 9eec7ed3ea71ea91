#ifndef CSCAN_LINES_H
#define CSCAN_LINES_H
// One pass over a run of log lines: for each 64-byte block, where its newlines, double quotes and
// '[' are, one bit per byte (bit k: byte k). The combined parser's replay path reads a whole chunk
// this way and reaches each line's end, request quotes and time bracket with bit tricks, instead of
// a memchr call (or a byte loop) per field per line. AVX2 where the CPU has it (checked once at
// run time), else SSE2 on x86_64, a portable loop elsewhere.

#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <emmintrin.h>
#include <immintrin.h>
#endif

typedef struct {
    uint64_t newline;
    uint64_t quote;
    uint64_t bracket;
} cscan_line_masks;

/// The newline, '"' and '[' bits of the 64 bytes at `p`. `p` must have 64 readable bytes.
static inline cscan_line_masks cscan_line_masks64(const uint8_t *p) {
    cscan_line_masks m;
    uint64_t n = 0, q = 0, b = 0;
#if defined(__x86_64__)
    const __m128i nl = _mm_set1_epi8('\n'), qt = _mm_set1_epi8('"'), br = _mm_set1_epi8('[');
    for (int k = 0; k < 4; k++) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        n |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * k);
        q |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, qt)) << (16 * k);
        b |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, br)) << (16 * k);
    }
#else
    for (int k = 0; k < 64; k++) {
        n |= (uint64_t)(p[k] == '\n') << k;
        q |= (uint64_t)(p[k] == '"') << k;
        b |= (uint64_t)(p[k] == '[') << k;
    }
#endif
    m.newline = n; m.quote = q; m.bracket = b;
    return m;
}

#if defined(__x86_64__)
/// `cscan_line_masks64` of `blocks` consecutive blocks, 32 bytes a compare.
__attribute__((target("avx2"))) static void cscan_line_masks_avx2(const uint8_t *p, size_t blocks, uint64_t *out) {
    const __m256i nl = _mm256_set1_epi8('\n'), qt = _mm256_set1_epi8('"'), br = _mm256_set1_epi8('[');
    for (size_t k = 0; k < blocks; k++, p += 64, out += 3) {
        const __m256i lo = _mm256_loadu_si256((const __m256i *)p), hi = _mm256_loadu_si256((const __m256i *)(p + 32));
        out[0] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, nl))
               | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, nl)) << 32);
        out[1] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, qt))
               | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, qt)) << 32);
        out[2] = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, br))
               | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, br)) << 32);
    }
}

/// Whether the CPU and the OS support AVX2 (CPUID leaf 7 and the YMM state enabled in XCR0).
static inline int cscan_detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}
#endif

/// `cscan_line_masks64` of `blocks` consecutive 64-byte blocks at `p` (all readable), into `out`:
/// three words a block (newline, quote, '['). One call for many blocks, so the AVX2 version (a
/// function of its own, it cannot be inlined into code built for plain x86_64) costs one call.
static inline void cscan_line_masks_run(const uint8_t *p, size_t blocks, uint64_t *out) {
#if defined(__x86_64__)
    static int avx2 = -1; // -1: not checked yet
    int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (has < 0) {
        has = cscan_detect_avx2();
        __atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
    }
    if (has) {
        cscan_line_masks_avx2(p, blocks, out);
        return;
    }
#endif
    for (size_t k = 0; k < blocks; k++) {
        const cscan_line_masks m = cscan_line_masks64(p + 64 * k);
        out[3 * k] = m.newline;
        out[3 * k + 1] = m.quote;
        out[3 * k + 2] = m.bracket;
    }
}

#endif
