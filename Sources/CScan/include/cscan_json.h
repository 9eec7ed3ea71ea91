#ifndef CSCAN_JSON_H
#define CSCAN_JSON_H
// The real quotes of JSON text, 64 bytes at a time: stage 1 of a simdjson-style scan, reduced to
// what the JSON field scanner needs. A quote is real when no odd run of backslashes comes right
// before it; in a string, two real quotes in a row are its opening and closing quote. The walk in
// Swift (JSONQuoteWalk) checks every byte between strings itself, so a backslash outside a string
// (which JSON does not allow, and which this model would read as an escape) never goes unseen.

#include "cscan.h"

/// The bits of the bytes at `p` equal to `a` or to `b`, for 64 readable bytes.
static inline void cscan_json_eq2_64(const uint8_t *p, uint8_t a, uint8_t b, uint64_t *ma, uint64_t *mb) {
#if defined(__x86_64__) && !defined(CSCAN_JSON_PORTABLE)
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
    const __m128i x0 = _mm_loadu_si128((const __m128i *)(p + 0));
    const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    *ma = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, va))
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, va)) << 16)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x2, va)) << 32)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x3, va)) << 48);
    *mb = (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, vb))
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, vb)) << 16)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x2, vb)) << 32)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x3, vb)) << 48);
#else
    uint64_t x = 0, y = 0;
    for (int k = 0; k < 64; k++) {
        x |= (uint64_t)(p[k] == a) << k;
        y |= (uint64_t)(p[k] == b) << k;
    }
    *ma = x;
    *mb = y;
#endif
}

/// The bytes escaped by a backslash among 64 whose backslashes are `backslash`: each byte right
/// after an odd run of backslashes (simdjson's `find_escaped_branchless`). `carry` is 1 when the
/// first byte is escaped by a run that ended the block before, and is updated for the next block.
static inline uint64_t cscan_json_escaped(uint64_t backslash, uint64_t *carry) {
    const uint64_t even = 0x5555555555555555ULL;
    uint64_t prev = *carry;
    if (backslash == 0) { *carry = 0; return prev; }
    backslash &= ~prev; // a backslash escaped by the run before is no escape
    uint64_t follows = (backslash << 1) | prev;
    uint64_t oddStarts = backslash & ~even & ~follows;
    uint64_t sum;
    *carry = __builtin_add_overflow(oddStarts, backslash, &sum) ? 1 : 0;
    uint64_t invert = sum << 1;
    return (even ^ invert) & follows;
}

/// The bits of the bytes at `p` equal to '\n', for 64 readable bytes.
static inline uint64_t cscan_json_newlines64(const uint8_t *p) {
#if defined(__x86_64__) && !defined(CSCAN_JSON_PORTABLE)
    const __m128i v = _mm_set1_epi8('\n');
    return (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), v))
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), v)) << 16)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), v)) << 32)
        | ((uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), v)) << 48);
#else
    uint64_t x = 0;
    for (int k = 0; k < 64; k++) x |= (uint64_t)(p[k] == '\n') << k;
    return x;
#endif
}

/// The stops of a string among 64 readable bytes at `p`: its real quotes and its newlines (a string
/// never goes on over a line's end: the walk stops there). `carry` carries a backslash run from one
/// block to the next (0 at the start of the text).
static inline uint64_t cscan_json_stops_block(const uint8_t *p, uint64_t *carry) {
    uint64_t quote, backslash;
    cscan_json_eq2_64(p, '"', '\\', &quote, &backslash);
    return (quote & ~cscan_json_escaped(backslash, carry)) | cscan_json_newlines64(p);
}

/// The stops (real quotes and newlines) among the `avail` bytes at `p` (at most 64 are read; bit
/// k: byte k). Fewer than 64 bytes are copied into a zeroed block first, so nothing past
/// `p + avail` is ever read.
static inline uint64_t cscan_json_quotes64(const uint8_t *p, size_t avail, uint64_t *carry) {
    if (avail >= 64) return cscan_json_stops_block(p, carry);
    uint8_t block[64] = {0};
    for (size_t k = 0; k < avail; k++) block[k] = p[k];
    return cscan_json_stops_block(block, carry);
}

#endif
