#ifndef CSCAN_LINES_H
#define CSCAN_LINES_H
// One pass over a run of log lines: for each 64-byte block, where its newlines, double quotes and
// '[' are, one bit per byte (bit k: byte k). The combined parser's replay path reads a whole chunk
// this way and reaches each line's end, request quotes and time bracket with bit tricks, instead of
// a memchr call (or a byte loop) per field per line. SSE2 on x86_64, a portable loop elsewhere.

#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

typedef struct {
    uint64_t newline;
    uint64_t quote;
    uint64_t bracket;
} cscan_line_masks;

/// The newline, '"' and '[' bits of the 64 bytes at `p`. `p` must have 64 readable bytes.
static inline cscan_line_masks cscan_line_masks64(const uint8_t *p) {
    cscan_line_masks m;
#if defined(__x86_64__)
    const __m128i nl = _mm_set1_epi8('\n'), qt = _mm_set1_epi8('"'), br = _mm_set1_epi8('[');
    uint64_t n = 0, q = 0, b = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        n |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * k);
        q |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, qt)) << (16 * k);
        b |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, br)) << (16 * k);
    }
    m.newline = n; m.quote = q; m.bracket = b;
#else
    uint64_t n = 0, q = 0, b = 0;
    for (int k = 0; k < 64; k++) {
        n |= (uint64_t)(p[k] == '\n') << k;
        q |= (uint64_t)(p[k] == '"') << k;
        b |= (uint64_t)(p[k] == '[') << k;
    }
    m.newline = n; m.quote = q; m.bracket = b;
#endif
    return m;
}

#endif
