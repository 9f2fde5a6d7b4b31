/* util.h: small shared helpers (internal): growable byte buffers, vectors,
 * string copies, hashing and diagnostics. */
#ifndef CC_UTIL_H
#define CC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "claimcheck.h"

/* A growable NUL-terminated byte buffer. Zero-initialise; free with
 * cc_buf_free. On allocation failure the buffer sets oom and stops growing. */
typedef struct cc_buf {
    char *p;
    size_t len, cap;
    bool oom;
} cc_buf;

void cc_buf_add(cc_buf *b, const char *s, size_t n);
void cc_buf_puts(cc_buf *b, const char *s);
void cc_buf_putc(cc_buf *b, char c);
void cc_buf_printf(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents and resets b; caller frees. NULL on oom. */
char *cc_buf_take(cc_buf *b);
void cc_buf_free(cc_buf *b);
/* Empties b, keeping its storage. */
void cc_buf_reset(cc_buf *b);
/* Cuts b to its first len bytes (len <= b->len). */
void cc_buf_cut(cc_buf *b, size_t len);
/* Room for n more bytes at b->p + b->len, for writers that fill it
 * themselves (escapers, number formatters); NULL on oom. They then call
 * cc_buf_commit with the count they wrote (at most n). */
char *cc_buf_room(cc_buf *b, size_t n);
void cc_buf_commit(cc_buf *b, size_t n);
/* Hands b's bytes to out in one fwrite and empties b (its storage is
 * kept). False when b ran out of memory (its bytes are lost); write
 * errors are left to ferror(out), as with any stdio write. */
bool cc_buf_write(cc_buf *b, FILE *out);
/* Appends the bytes of the file at path to b, stopping at its end or once
 * b holds more than max bytes (so a caller can tell an oversized file).
 * Returns 0, an errno value from open/read, or ENOMEM when b ran out of
 * memory. Fewer copies and calls than stdio for whole small files. */
int cc_buf_read_path(cc_buf *b, const char *path, size_t max);

/* Tests on the 8 bytes of a word read with memcpy, for scanners that skip
 * ordinary text a word at a time (Bit Twiddling Hacks' "has less than"
 * and "has zero byte"; exact as yes/no answers, whatever the byte order).
 * cc_word_has_less: some byte is below n (n <= 128). */
#define CC_WORD_ONES 0x0101010101010101u
#define CC_WORD_HIGHS 0x8080808080808080u
static inline bool cc_word_has_less(uint64_t w, unsigned n)
{
    return ((w - CC_WORD_ONES * n) & ~w & CC_WORD_HIGHS) != 0;
}
/* Some byte of w is c. */
static inline bool cc_word_has_byte(uint64_t w, unsigned char c)
{
    return cc_word_has_less(w ^ (CC_WORD_ONES * c), 1);
}

/* True when byte c is one a JSON string holds only escaped: a quote, a
 * backslash or a control character. The one rule for the NDJSON writer
 * and the fast NDJSON reader. */
static inline bool cc_json_escaped(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}
/* Nonzero when some byte of w is one cc_json_escaped accepts (its bits
 * say no more than that), so that the tests of several words can be
 * or-ed before one branch. Two "has less than" tests, not three: c < 0x20
 * or c == '"' is exactly (c ^ 2) <= 0x20, as xor with 2 maps 0..0x1f onto
 * itself and '"' (0x22) alone onto 0x20. */
static inline uint64_t cc_word_json_mask(uint64_t w)
{
    uint64_t a = w ^ (CC_WORD_ONES * 2), b = w ^ (CC_WORD_ONES * '\\');
    return (((a - CC_WORD_ONES * 0x21) & ~a) | ((b - CC_WORD_ONES) & ~b)) & CC_WORD_HIGHS;
}
/* Some byte of w is one cc_json_escaped accepts. */
static inline bool cc_word_json_escaped(uint64_t w)
{
    return cc_word_json_mask(w) != 0;
}

/* Writes v in decimal to out (room for 20 bytes, no NUL); returns the
 * number of digits. printf's %llu without its cost, for ids and NDJSON. */
size_t cc_fmt_u64(uint64_t v, char *out);

/* Writes v as printf's "%.15g" does (room for CC_FMT_G15_ROOM bytes, NUL
 * included) and returns the length; decimal fractions of up to 8 places,
 * the usual non-whole NDJSON numbers, without printf's cost. "%.15g"
 * prints at most 23 characters ("-1.23456789012345e+308"). */
#define CC_FMT_G15_ROOM 25
size_t cc_fmt_g15(double v, char *out);

/* Grows a CC_VEC so one more element fits; false on allocation failure. */
bool cc_vec_grow(void **v, size_t *cap, size_t n, size_t elem);
/* Appends item; false on allocation failure. The call to grow is made
 * only when full: the scan pushes a token per word. */
#define CC_VEC_PUSH(vec, item)                                                                     \
    ((vec).n < (vec).cap || cc_vec_grow((void **)&(vec).v, &(vec).cap, (vec).n, sizeof *(vec).v)   \
         ? ((vec).v[(vec).n++] = (item), true)                                                     \
         : false)

/* qsort comparator for an array of strings: byte order, not locale. */
int cc_cmp_str(const void *a, const void *b);

/* A list of heap strings, each owned by the list; free with cc_strv_free. */
typedef struct cc_strv {
    char **v;
    size_t n, cap;
} cc_strv;
void cc_strv_free(cc_strv *l);

/* Appends to *out the names in directory dir that keep accepts (hidden
 * names never), in byte order. CC_ERROR_INPUT when dir cannot be read
 * (errno says why), CC_ERROR_MEMORY on allocation failure. */
cc_error cc_dir_names(const char *dir, bool (*keep)(const char *name), cc_strv *out);

/* Heap copies; NULL in gives NULL out. Caller frees. */
char *cc_strdup(const char *s);
char *cc_strndup(const char *s, size_t n);
/* The concatenation of the strings up to a NULL argument; caller frees.
 * NULL on oom. Much cheaper than cc_strfmt for per-claim ids and keys. A
 * macro: the parts go as one array, with no va_list to walk twice. */
#define cc_strcat_n(...) cc_strcat_v((const char *const[]){__VA_ARGS__})
/* The concatenation of parts up to a NULL one (cc_strcat_n); caller frees. */
char *cc_strcat_v(const char *const *parts);
/* A string arena: strings that live together and go together. Blocks are
 * kept across cc_arena_reset, so a stream that resets after each article
 * stays flat at its largest article's use. Zero-initialise; free with
 * cc_arena_free. */
typedef struct cc_arena_block cc_arena_block;
typedef struct cc_arena {
    cc_arena_block *head, *cur;
} cc_arena;
/* n bytes owned by the arena until reset (char-aligned); NULL on oom. */
char *cc_arena_alloc(cc_arena *a, size_t n);
/* Arena copies (cc_strndup, cc_strcat_v); owned by the arena until reset. */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t n);
char *cc_arena_cat_v(cc_arena *a, const char *const *parts);
/* Makes every string of the arena invalid; keeps its blocks for reuse. */
void cc_arena_reset(cc_arena *a);
/* Frees the arena's blocks; accepts a zeroed arena. */
void cc_arena_free(cc_arena *a);
/* printf into a new string; caller frees. */
char *cc_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 64-bit FNV-1a over n bytes, continuing from h (start with CC_FNV_INIT). */
#define CC_FNV_INIT 0xcbf29ce484222325ull
#define CC_FNV_PRIME 0x100000001b3ull
uint64_t cc_fnv(uint64_t h, const void *p, size_t n);
/* A hash of n bytes continuing from h, eight at a time (an FNV-1a step
 * per word, the last 1 to 7 bytes by cc_fnv): for checksums and keys over
 * whole files, where cc_fnv's step per byte is most of the cost. Not
 * cc_fnv's value. */
uint64_t cc_hash_wide(uint64_t h, const void *p, size_t n);
/* One cc_fnv step: byte c into h, for scanners that hash as they read. */
static inline uint64_t cc_fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * CC_FNV_PRIME;
}

/* Sends a printf-formatted diagnostic to fn (no-op when fn is NULL). */
void cc_diagf(cc_diag_fn fn, void *ud, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads a whole file; caller frees *out. Returns CC_ERROR_IO on failure. */
cc_error cc_read_file(const char *path, char **out, size_t *len);

/* Leading number of s via strtod/strtol (0 when s starts with none); sets
 * *ok (if given) to whether all of s was a number. */
double cc_to_num(const char *s, bool *ok);
int cc_to_int(const char *s, bool *ok);

/* ASCII case folding for comparisons on rule words. */
int cc_strcasecmp_n(const char *a, size_t an, const char *b, size_t bn);

#endif
