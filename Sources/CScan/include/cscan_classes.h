#ifndef CSCAN_CLASSES_H
#define CSCAN_CLASSES_H
// One pass over a run of log lines for a parser compiled from a format string (a template): for
// each 64-byte block, one bit per byte (bit k: byte k), the newlines, and for each of the
// template's stop bytes (the byte each field ends before) that byte OR a newline OR a backslash.
// A field's end, an escape inside it, or the line's end is then the lowest bit of one word, instead
// of a scan per field per line. AVX2 where the CPU has it (checked once, as cscan_lines.h does),
// else SSE2 on x86_64, a portable loop elsewhere.

#include <stdint.h>
#include <stddef.h>
#include "cscan_lines.h"
#if defined(__x86_64__)
#include <emmintrin.h>
#include <immintrin.h>
#endif

/// At most this many stop bytes (classes 1...CSCAN_MAX_CLASSES; class 0 is the newlines).
#define CSCAN_MAX_CLASSES 7

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void cscan_class_masks_avx2(const uint8_t *p, size_t blocks, const uint8_t *stops,
                                                                   size_t classes, uint64_t *out, size_t stride) {
    const __m256i nl = _mm256_set1_epi8('\n'), bs = _mm256_set1_epi8('\\');
    __m256i want[CSCAN_MAX_CLASSES];
    for (size_t c = 0; c < classes; c++) want[c] = _mm256_set1_epi8((char)stops[c]);
    for (size_t k = 0; k < blocks; k++, p += 64) {
        const __m256i lo = _mm256_loadu_si256((const __m256i *)p), hi = _mm256_loadu_si256((const __m256i *)(p + 32));
        // (Each compare to a mask of its own, then OR-ed as words: OR-ing the compares first makes
        // clang rebuild the vector byte by byte.)
        const uint64_t n = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, nl))
                         | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, nl)) << 32);
        const uint64_t e = n | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, bs))
                         | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, bs)) << 32);
        out[k] = n;
#pragma clang loop vectorize(disable) interleave(disable)
        for (size_t c = 0; c < classes; c++) {
            out[(c + 1) * stride + k] = e | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, want[c]))
                                      | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, want[c])) << 32);
        }
    }
}
#endif

/// The masks of `blocks` consecutive 64-byte blocks at `p` (all readable) for the stop bytes
/// `stops[0..<classes]` (classes <= CSCAN_MAX_CLASSES), class-major into `out`: block k's newline
/// bits at out[k], its bits for stops[c] (with newlines and backslashes) at out[(c + 1) * stride + k].
static inline void cscan_class_masks_run(const uint8_t *p, size_t blocks, const uint8_t *stops, size_t classes,
                                         uint64_t *out, size_t stride) {
    if (classes > CSCAN_MAX_CLASSES) classes = CSCAN_MAX_CLASSES;
#if defined(__x86_64__)
    static int avx2 = -1; // -1: not checked yet
    int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (has < 0) {
        has = cscan_detect_avx2();
        __atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
    }
    if (has) {
        cscan_class_masks_avx2(p, blocks, stops, classes, out, stride);
        return;
    }
    const __m128i nl = _mm_set1_epi8('\n'), bs = _mm_set1_epi8('\\');
    for (size_t k = 0; k < blocks; k++, p += 64) {
        uint64_t n = 0, e = 0;
        __m128i v[4];
        for (int q = 0; q < 4; q++) {
            v[q] = _mm_loadu_si128((const __m128i *)(p + 16 * q));
            n |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v[q], nl)) << (16 * q);
            e |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v[q], bs)) << (16 * q);
        }
        out[k] = n;
        e |= n;
#pragma clang loop vectorize(disable) interleave(disable)
        for (size_t c = 0; c < classes; c++) {
            const __m128i w = _mm_set1_epi8((char)stops[c]);
            uint64_t m = e;
            for (int q = 0; q < 4; q++) m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v[q], w)) << (16 * q);
            out[(c + 1) * stride + k] = m;
        }
    }
#else
    for (size_t k = 0; k < blocks; k++, p += 64) {
        uint64_t n = 0, e = 0;
        for (int b = 0; b < 64; b++) {
            n |= (uint64_t)(p[b] == '\n') << b;
            e |= (uint64_t)(p[b] == '\n' || p[b] == '\\') << b;
        }
        out[k] = n;
        for (size_t c = 0; c < classes; c++) {
            uint64_t m = e;
            for (int b = 0; b < 64; b++) m |= (uint64_t)(p[b] == stops[c]) << b;
            out[(c + 1) * stride + k] = m;
        }
    }
#endif
}

#endif
