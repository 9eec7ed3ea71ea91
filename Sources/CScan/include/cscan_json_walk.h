#ifndef CSCAN_JSON_WALK_H
#define CSCAN_JSON_WALK_H
// The fast walk of the JSON field scanner over one object (Swift: JSONFieldScanner, JSONQuoteWalk).
// Strings are jumped over from real quote to real quote (cscan_json_quotes64); only the few bytes
// between strings are read one by one. It reads the grammar of the scanner's byte walk and gives
// up (returns -1) on anything it cannot read exactly as that walk does, including every text the
// byte walk rejects; the byte walk then reads the text.
//
// Why that is exact: whether a quote is real (not escaped by an odd run of backslashes right before
// it) does not depend on strings. The walk opens a string only on a quote whose byte before it the
// walk read itself (the `{`, `:`, `,`, space, or in an array anything): unless that byte is a
// backslash (then it gives up), the run before the string's first byte is empty, so the next real
// quote after the opening one is the first quote not escaped by a run inside the string: the byte
// walk's closing quote.

#include "cscan_json.h"
#include <string.h>

/// One key segment of a wanted path (`a.b` has two: `a` at depth 0, `b` at depth 1).
typedef struct {
    int64_t path;   // index of the path, 0 ..< 63
    int64_t depth;  // object depth the segment is a key at
    int64_t start;  // offset of its bytes in the key bytes
    int64_t count;  // its length
    int64_t last;   // 1: the path's value is this key's value; 0: an object holding the next segment
    uint64_t head;  // its first 8 bytes (little-endian), zeros past its end
    uint64_t headMask; // the bits of `head` that are its bytes
    uint64_t tail;  // its last 8 bytes when longer than 8
} cscan_json_segment;

static inline uint64_t cscan_json_load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/// Whether the `klen` bytes at `p + ks` (all before `n`) are the segment `s` (as long) of `keys`.
/// Eight bytes at a time where the text holds them; never reads past `n`.
static inline int cscan_json_key_equal(const uint8_t *p, int64_t n, int64_t ks, int64_t klen,
                                       const cscan_json_segment *s, const uint8_t *keys) {
    if (klen <= 8) {
        if (ks + 8 <= n) return (cscan_json_load64(p + ks) & s->headMask) == s->head;
        return klen == 0 || memcmp(p + ks, keys + s->start, (size_t)klen) == 0;
    }
    if (cscan_json_load64(p + ks) != s->head || cscan_json_load64(p + ks + klen - 8) != s->tail) return 0;
    return klen <= 16 || memcmp(p + ks + 8, keys + s->start + 8, (size_t)(klen - 16)) == 0;
}

#define CSCAN_JSON_INLINE static inline __attribute__((always_inline))
/// Objects nested deeper than this in a line make the walk give up (the byte walk reads them).
#define CSCAN_JSON_MAX_DEPTH 64

/// The real quotes of the bytes `p[at ..< min(at + 64, n)]`. A short last block is read as the
/// 64 bytes that end at `n` when the text is that long (bytes before `at` were read already), else
/// from a zeroed copy: nothing past `p + n` is read.
CSCAN_JSON_INLINE uint64_t cscan_json_quotes_at(const uint8_t *p, int64_t n, int64_t at, uint64_t *carry) {
    int64_t avail = n - at;
    if (avail >= 64) return cscan_json_quotes64(p + at, 64, carry);
    if (n >= 64) {
        uint64_t quote, backslash;
        cscan_json_eq2_64(p + n - 64, '"', '\\', &quote, &backslash);
        int shift = (int)(64 - avail);
        quote >>= shift;
        backslash >>= shift;
        return (quote & ~cscan_json_escaped(backslash, carry)) | (cscan_json_newlines64(p + n - 64) >> shift);
    }
    return cscan_json_quotes64(p + at, (size_t)avail, carry);
}

/// The real quotes of the block the walk is in (`blockStart`), found block after block as the walk
/// goes on (a backslash run carries over from one block to the next).
typedef struct {
    uint64_t quotes, carry;
    int64_t blockStart;
} cscan_json_quote_blocks;

CSCAN_JSON_INLINE int cscan_json_next_block(cscan_json_quote_blocks *q, const uint8_t *p, int64_t n) {
    int64_t next = q->blockStart + 64;
    if (next >= n) return 0;
    q->quotes = cscan_json_quotes_at(p, n, next, &q->carry);
    q->blockStart = next;
    return 1;
}

/// The first real quote after `i` (the first one not escaped by an odd run of backslashes), or `n`.
/// `i` never goes back from one call to the next.
CSCAN_JSON_INLINE int64_t cscan_json_quote_after(cscan_json_quote_blocks *q, const uint8_t *p, int64_t n, int64_t i) {
    while (i - q->blockStart >= 64) {
        if (!cscan_json_next_block(q, p, n)) return n;
    }
    uint64_t m = q->quotes & ~((2ULL << (i - q->blockStart)) - 1);
    while (m == 0) {
        if (!cscan_json_next_block(q, p, n)) return n;
        m = q->quotes;
    }
    return q->blockStart + __builtin_ctzll(m);
}

/// Space, tab or `\r`. Not `\n`: the walk never goes on past a line's end.
CSCAN_JSON_INLINE int cscan_json_is_space(uint8_t b) {
    return b <= 0x20 && ((0x100002200ULL >> b) & 1);
}

CSCAN_JSON_INLINE int64_t cscan_json_skip_space(const uint8_t *p, int64_t n, int64_t i) {
    while (i < n && cscan_json_is_space(p[i])) i++;
    return i;
}

/// The string at `*i` (on its quote): its contents' start and end; `*i` moves past it. 0: give up.
/// The walk read the byte before the quote itself; unless it is a backslash, the quote is real
/// for the model too, and the string ends at the next real quote.
CSCAN_JSON_INLINE int cscan_json_string(cscan_json_quote_blocks *q, const uint8_t *p, int64_t n, int64_t *i, int64_t *s, int64_t *e) {
    if (p[*i - 1] == '\\') return 0;
    int64_t close = cscan_json_quote_after(q, p, n, *i);
    if (close >= n || p[close] != '"') return 0;
    *s = *i + 1;
    *e = close;
    *i = close + 1;
    return 1;
}

/// Gives the value `p[s ..< e]` to every path of `here` not found yet (the first occurrence wins).
static inline void cscan_json_record(uint64_t here, uint64_t *foundMask, int64_t *found, int64_t s, int64_t e) {
    uint64_t mask = here & ~*foundMask;
    *foundMask |= mask;
    while (mask) {
        int k = __builtin_ctzll(mask);
        mask &= mask - 1;
        found[2 * k] = s;
        found[2 * k + 1] = e;
    }
}

/// The 64 bytes to read for the bytes `p[at ..< min(at + 64, n)]`: those at `p + at` when the text
/// holds 64 from there; else the 64 that end at `n` (`*shift` drops the ones before `at` from a
/// mask); else a zero-padded copy in `block`. Nothing past `p + n` is read.
CSCAN_JSON_INLINE const uint8_t *cscan_json_block_at(const uint8_t *p, int64_t n, int64_t at, uint8_t block[64], int *shift) {
    int64_t avail = n - at;
    *shift = 0;
    if (avail >= 64) return p + at;
    if (n >= 64) { *shift = (int)(64 - avail); return p + n - 64; }
    memset(block, 0, 64);
    memcpy(block, p + at, (size_t)avail);
    return block;
}

/// The masks of `"`, `\`, `{`, `}` and `\n` among the bytes `p[at ..< min(at + 64, n)]` (bit k: byte at + k;
/// none past `n`). Nothing past `p + n` is read.
CSCAN_JSON_INLINE void cscan_json_braces_at(const uint8_t *p, int64_t n, int64_t at, uint64_t *quote, uint64_t *backslash,
                                            uint64_t *open, uint64_t *close, uint64_t *newline) {
    uint8_t block[64];
    int shift;
    const uint8_t *b = cscan_json_block_at(p, n, at, block, &shift);
    uint64_t q, bs, o, c;
    cscan_json_eq2_64(b, '"', '\\', &q, &bs);
    cscan_json_eq2_64(b, '{', '}', &o, &c);
    *quote = q >> shift; *backslash = bs >> shift; *open = o >> shift; *close = c >> shift;
    *newline = cscan_json_newlines64(b) >> shift;
}

/// For the common tail: the quotes, and the stops (`\`, `{`, `}` or `\n`), among
/// `p[at ..< min(at + 64, n)]` (none past `n`; nothing past `p + n` is read).
CSCAN_JSON_INLINE void cscan_json_tail_masks_at(const uint8_t *p, int64_t n, int64_t at, uint64_t *quote, uint64_t *stop) {
    uint8_t block[64];
    int shift;
    const uint8_t *b = cscan_json_block_at(p, n, at, block, &shift);
    uint64_t q = 0, o = 0;
#if defined(__x86_64__) && !defined(CSCAN_JSON_PORTABLE)
    const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\'), vo = _mm_set1_epi8('{'), vc = _mm_set1_epi8('}'),
                  vn = _mm_set1_epi8('\n');
    for (int k = 0; k < 4; k++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(b + 16 * k));
        q |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << (16 * k);
        const __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vb), _mm_cmpeq_epi8(x, vo)),
                                       _mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vn)));
        o |= (uint64_t)(uint32_t)_mm_movemask_epi8(s) << (16 * k);
    }
#else
    for (int k = 0; k < 64; k++) {
        q |= (uint64_t)(b[k] == '"') << k;
        o |= (uint64_t)(b[k] == '\\' || b[k] == '{' || b[k] == '}' || b[k] == '\n') << k;
    }
#endif
    *quote = q >> shift; *stop = o >> shift;
}

/// Each bit set from a set bit of `x` up to the next one, that one excluded (the bytes of a string
/// from its opening quote to just before its closing one, when `x` holds the real quotes).
CSCAN_JSON_INLINE uint64_t cscan_json_prefix_xor(uint64_t x) {
    x ^= x << 1; x ^= x << 2; x ^= x << 4; x ^= x << 8; x ^= x << 16; x ^= x << 32;
    return x;
}

/// Where the object the walk is in ends, read ahead from `i` (just after a member's value, outside
/// strings, `depth` objects deep): just after the `}` that closes the outermost one. Only real quotes
/// (to jump strings), braces and backslashes are read, 64 bytes at a time; the members in between
/// are not checked. -1 when a backslash stands outside a string (the real-quote model and a brace
/// tracker could disagree from there), or a newline or the text's end comes first.
CSCAN_JSON_INLINE int64_t cscan_json_tail_end(const uint8_t *p, int64_t n, int64_t i, int64_t depth) {
    // The common tail first: no backslash and no brace before the `}` that ends the line (followed
    // by its newline or the text's end), with an even number of quotes before it (all real, in
    // pairs, so that `}` is outside strings). No in-string mask is needed.
    if (depth == 0) {
        uint64_t quotes = 0; // the quotes seen, xor-folded: its parity is theirs
        for (int64_t at = i; at < n; at += 64) {
            uint64_t quote, stop;
            cscan_json_tail_masks_at(p, n, at, &quote, &stop);
            if (!stop) { quotes ^= quote; continue; }
            int k = __builtin_ctzll(stop);
            int64_t last = at + k;
            quotes ^= quote & ((1ULL << k) - 1);
            if (p[last] == '}' && (last + 1 == n || p[last + 1] == '\n') && !__builtin_parityll(quotes)) return last + 1;
            break;
        }
    }
    uint64_t carry = 0, inside = 0;
    for (int64_t at = i; at < n; at += 64) {
        uint64_t quote, backslash, open, close, newline;
        cscan_json_braces_at(p, n, at, &quote, &backslash, &open, &close, &newline);
        uint64_t real = quote & ~cscan_json_escaped(backslash, &carry);
        uint64_t in = cscan_json_prefix_xor(real) ^ inside;
        inside = (uint64_t)((int64_t)in >> 63);
        uint64_t stray = (backslash & ~in) | newline;
        uint64_t marks = ((open | close) & ~in) | stray;
        while (marks) {
            int k = __builtin_ctzll(marks);
            uint64_t bit = 1ULL << k;
            marks &= marks - 1;
            if (stray & bit) return -1;
            if (open & bit) { depth++; continue; }
            if (depth == 0) return at + k + 1;
            depth--;
        }
    }
    return -1;
}

/// Reads the object at `p[start]` (a `{`) of the text `p[0 ..< n]` for the wanted paths (fewer
/// than 63) whose key segments are `segs`, sorted by length: those `k` bytes long (63 or more for
/// k = 63) are `segs[byLength[k] ..< byLength[k + 1]]`, and bit k of `lengths` says whether there
/// are any. As the byte walk of the Swift JSONFieldScanner does. Returns where the object ends
/// (just after its `}`), or -1 to give up. Once every path of `settle` is found (0: never), the
/// rest of the object is read only for where it ends (`cscan_json_tail_end`) and `*settled` is 1. `found` gets a start and an end for each path whose bit
/// is set in `*foundPaths` (the others are absent); `*simple` is 1 when a brace-and-string tracker run over the object ends where it
/// started (the byte walk's `simple`, except that an array whose braces balance keeps it).
// Aligned to a cache line, so that the layout of its hot loops, and its speed, do not change with
// whatever code the linker places before it.
__attribute__((aligned(64))) static inline int64_t cscan_json_scan_object(const uint8_t *p, int64_t n, int64_t start,
                                             const uint8_t *keys, const cscan_json_segment *segs, const int32_t *byLength,
                                             uint64_t lengths, int64_t npaths, uint64_t settle, int64_t *found,
                                             uint64_t *foundPaths, int64_t *simple, int64_t *settled) {
    cscan_json_quote_blocks q = {0, 0, start - 64};
    uint64_t foundMask = 0;
    int64_t isSimple = 1;
    uint64_t stack[CSCAN_JSON_MAX_DEPTH];
    int64_t depth = 0;
    uint64_t active = (1ULL << npaths) - 1;
    int64_t i = cscan_json_skip_space(p, n, start + 1);
    *settled = 0;
    if (i < n && p[i] == '}') { *simple = 1; *foundPaths = 0; return i + 1; }
    for (;;) {
        // A member: on its key, or on space before it.
        if (i >= n) return -1;
        if (p[i] != '"') {
            i = cscan_json_skip_space(p, n, i);
            if (i >= n || p[i] != '"') return -1;
        }
        int64_t ks, ke;
        if (!cscan_json_string(&q, p, n, &i, &ks, &ke)) return -1;
        if (i >= n) return -1;
        if (p[i] != ':') {
            i = cscan_json_skip_space(p, n, i);
            if (i >= n || p[i] != ':') return -1;
        }
        i++;
        if (i >= n) return -1;
        if (p[i] != '"' && cscan_json_is_space(p[i])) i = cscan_json_skip_space(p, n, i);
        // Which wanted paths continue with this key at this depth.
        uint64_t here = 0, deeper = 0;
        uint64_t open = active & ~foundMask;
        int64_t klen = ke - ks;
        int64_t bucket = klen < 63 ? klen : 63;
        if (open != 0 && ((lengths >> bucket) & 1)) {
            for (int64_t k = byLength[bucket], end = byLength[bucket + 1]; k < end; k++) {
                const cscan_json_segment *s = &segs[k];
                if (s->count != klen || s->depth != depth || !((open >> s->path) & 1)) continue;
                if (!cscan_json_key_equal(p, n, ks, klen, s, keys)) continue;
                if (s->last) here |= 1ULL << s->path; else deeper |= 1ULL << s->path;
            }
        }
        if (i >= n) return -1;
        uint8_t c = p[i];
        if (c == '"') {
            int64_t s, e;
            if (!cscan_json_string(&q, p, n, &i, &s, &e)) return -1;
            cscan_json_record(here, &foundMask, found, s, e);
        } else if (c == '{') {
            int64_t j = cscan_json_skip_space(p, n, i + 1);
            if (j < n && p[j] == '}') {
                i = j + 1; // {} : nothing in it
            } else {
                // Into the nested object: its first member next.
                if (depth + 1 >= CSCAN_JSON_MAX_DEPTH) return -1;
                stack[depth++] = active;
                active = deeper;
                i = j;
                continue;
            }
        } else if (c == '[') {
            // Skipped as the byte walk does: `[` and `{` open, `]` and `}` close, strings jumped.
            // The tracker counts only braces: the object stays simple when those balance.
            int64_t level = 0, braces = 0;
            for (;;) {
                if (i >= n) return -1;
                uint8_t b = p[i];
                if (b == '"') {
                    int64_t s, e;
                    if (!cscan_json_string(&q, p, n, &i, &s, &e)) return -1;
                    continue;
                }
                if (b == '\n') return -1;
                i++;
                if (b == '[') level++;
                else if (b == '{') { level++; braces++; }
                else if (b == ']' || b == '}') {
                    if (b == '}') braces--;
                    if (--level == 0) break;
                }
            }
            if (braces != 0) isSimple = 0;
        } else {
            int64_t s = i;
            while (i < n) {
                uint8_t b = p[i];
                if (b == ',' || b == '}' || cscan_json_is_space(b)) break;
                // The byte walk reads these as part of the value and no longer calls the object simple.
                if (b == '"' || b == '\\' || b == '{' || b == '[' || b == ']' || b == '\n') return -1;
                i++;
            }
            cscan_json_record(here, &foundMask, found, s, i);
        }
        // The wanted values are all here: the rest only has to close.
        if (settle != 0 && (foundMask & settle) == settle) {
            int64_t end = cscan_json_tail_end(p, n, i, depth);
            if (end >= 0) { *simple = isSimple; *foundPaths = foundMask; *settled = 1; return end; }
            settle = 0;
        }
        // After a value: the next member, or the end of this object (and then of the ones around it).
        for (;;) {
            if (i >= n) return -1;
            if (p[i] == ',') { i++; break; }
            if (cscan_json_is_space(p[i])) {
                i = cscan_json_skip_space(p, n, i);
                if (i >= n) return -1;
                if (p[i] == ',') { i++; break; }
            }
            if (p[i] != '}') return -1;
            i++;
            if (depth == 0) { *simple = isSimple; *foundPaths = foundMask; return i; }
            active = stack[--depth];
        }
    }
}

#endif
