#ifndef CSCAN_H
#define CSCAN_H
// Byte scanning for the parsers' hot paths: 64 bytes at a time, one bit per byte.
// SSE2 on x86_64 (every x86_64 has it), a portable loop elsewhere. Header-only inline functions
// so Swift calls them without a call per block; the .c file only exists for SwiftPM.

#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/// The bits of the 64 bytes at `p` equal to `c` (bit k: byte k). `p` must have 64 readable bytes.
static inline uint64_t cscan_eq64(const uint8_t *p, uint8_t c) {
#if defined(__x86_64__)
    const __m128i v = _mm_set1_epi8((char)c);
    uint64_t m0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), v));
    uint64_t m1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), v));
    uint64_t m2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), v));
    uint64_t m3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), v));
    return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
#else
    uint64_t m = 0;
    for (int k = 0; k < 64; k++) m |= (uint64_t)(p[k] == c) << k;
    return m;
#endif
}

#endif
