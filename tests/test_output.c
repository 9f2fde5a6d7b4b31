/* test_output.c: the NDJSON writer's escaping and number forms.
 *
 * Usage: test_output GOLDEN.ndjson [--write]
 *
 * Writes tests/sample.c's cluster plus an article of awkward text (quotes,
 * backslashes, newlines, tabs, other control characters, DEL, UTF-8 and
 * invalid bytes) and claims with awkward numbers (NaN, infinities, -0,
 * fractions, 1e15 and past, the largest integers printed as digits) and
 * compares the bytes with GOLDEN; --write stores them there instead. Also
 * checks that a stream that cannot be written gives CC_ERROR_IO, that
 * every byte at every place of short strings is escaped as a byte-at-a-time
 * writer escapes it, that cc_fmt_u64 and cc_fmt_g15 agree with printf, and
 * that the string arena keeps its strings until reset. Exits 0 when every check
 * passes. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "sample.h"
#include "util.h"

/* Adds a claim over body[start:end) of article art with value v (has_value
 * false when v is NaN, to show both forms) and bounds lo, hi. */
static void odd_claim(cc_cluster *cl, size_t art, size_t start, size_t end, double v, double lo,
                      double hi)
{
    cc_claim *c = cc_test_add_claim(cl, art, start, end);
    c->key = cc_strdup("count/\"quoted\\key\"");
    c->unit = cc_strdup("tab\there");
    c->place = cc_strdup("a plain run of more than sixteen bytes\x1f then more\x80\x9f\xa0 \"");
    c->has_value = !isnan(v) || start == 0;
    c->has_lo = c->has_hi = true;
    c->value = v;
    c->lo = lo;
    c->hi = hi;
}

/* Adds the awkward article and its claims to the sample cluster. */
static void odd_fill(cc_cluster *cl)
{
    static const char body[] = "\"q\" \\b\\ \n\t\r\x01\x1f\x7f "
                               "Caf\xc3\xa9 \xff\xfe \xf0\x9f\x93\xb0 end";
    char up[256], down[256]; /* every byte value, each at many offsets */
    for (int i = 0; i < 255; i++) {
        up[i] = (char)(i + 1);
        down[i] = (char)(255 - i);
    }
    up[255] = down[255] = '\0';
    cc_article a = {0};
    a.id = cc_strdup("odd\x01id");
    a.title = cc_strdup("line1\nline2\t\"x\"\\");
    a.outlet = cc_strdup(up);
    a.url = cc_strdup(down);
    a.body = cc_strndup(body, sizeof body - 1);
    a.body_len = sizeof body - 1;
    a.published = CC_NO_DAY;
    if (!CC_VEC_PUSH(cl->articles, a))
        abort(); /* tests stop on out-of-memory */
    size_t art = cl->articles.n - 1, n = sizeof body - 1;
    odd_claim(cl, art, 0, n, NAN, -INFINITY, INFINITY);
    odd_claim(cl, art, 1, 2, -0.0, -42, 0.5);
    odd_claim(cl, art, 2, 3, 999999999999999.0, -999999999999999.0, 1e15);
    odd_claim(cl, art, 3, 4, 1e300, -1e-7, 0.1);
    odd_claim(cl, art, 4, 4, 123456.789, 2.5e-300, 9007199254740993.0);
}

/* Writes s as JSON string contents a byte at a time, as docs/ndjson.md
 * says, at o (room for 6 bytes a byte and a NUL): the reference the
 * word-at-a-time writer must match. */
static void ref_escape(const char *s, char *o)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\' || c == '\n' || c == '\t')
            o += snprintf(o, 3, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : c);
        else if (c < 0x20)
            o += snprintf(o, 7, "\\u%04x", c);
        else
            *o++ = (char)c;
    }
    *o = '\0';
}

/* 1 (reported) when the article record of cl's article 0 with title s
 * (at most 64 bytes) does not hold s as ref_escape writes it. */
static int title_differs(cc_cluster *cl, char *s)
{
    char esc[6 * 64 + 1], want[sizeof esc + 32], *saved = cl->articles.v[0].title;
    ref_escape(s, esc);
    snprintf(want, sizeof want, "\"title\":\"%s\",\"outlet\"", esc);
    cc_buf b = {0};
    cl->articles.v[0].title = s;
    cc_json_article(cl, 0, &b);
    cl->articles.v[0].title = saved;
    int differs = !b.p || !strstr(b.p, want);
    if (differs)
        fprintf(stderr, "title %s written as %s\n", want, b.p ? b.p : "(nothing)");
    cc_buf_free(&b);
    return differs;
}

/* Every byte value at every place of titles of 1 to 40 bytes (the
 * writer's word and tail cases), over plain and over non-ASCII text:
 * written as the byte-at-a-time reference writes them. Returns the
 * number of failures. */
static int escape_checks(cc_cluster *cl)
{
    static const char fill[] = {'a', '\x80'};
    int failed = 0;
    char s[41];
    for (size_t f = 0; f < sizeof fill; f++)
        for (size_t n = 1; n <= 40; n++)
            for (size_t at = 0; at < n; at++)
                for (int c = 1; c < 256; c++) {
                    memset(s, fill[f], n);
                    s[at] = (char)c;
                    s[n] = '\0';
                    failed += title_differs(cl, s);
                }
    return failed;
}

/* cc_fmt_u64 writes what printf's %llu does: every value up to 100,000,
 * each power of ten and its neighbours, and the extremes. Returns the
 * number of failures (one line each on stderr). */
static int fmt_u64_checks(void)
{
    int failed = 0;
    uint64_t v[3 * 20 + 2] = {0, UINT64_MAX}, p = 1;
    size_t n = 2;
    for (int i = 0; i < 20; i++, p *= 10) {
        v[n++] = p - 1;
        v[n++] = p;
        v[n++] = p + 1;
    }
    for (uint64_t i = 0; i < 100000 + n; i++) {
        uint64_t x = i < n ? v[i] : i - n;
        char got[24], want[24];
        size_t len = cc_fmt_u64(x, got);
        int wn = snprintf(want, sizeof want, "%llu", (unsigned long long)x);
        if (len != (size_t)wn || memcmp(got, want, len) != 0) {
            fprintf(stderr, "cc_fmt_u64(%s) wrote %.*s\n", want, (int)len, got);
            failed++;
        }
    }
    return failed;
}

/* One cc_fmt_g15 check against printf; 1 when they differ (reported). */
static int g15_differs(double v)
{
    char got[32], want[32];
    size_t len = cc_fmt_g15(v, got);
    int wn = snprintf(want, sizeof want, "%.15g", v);
    if (len == (size_t)wn && memcmp(got, want, len) == 0)
        return 0;
    fprintf(stderr, "cc_fmt_g15(%.17g) wrote %.*s, printf %s\n", v, (int)len, got, want);
    return 1;
}

/* cc_fmt_g15 writes what printf's "%.15g" does: decimal fractions i / 10^k
 * (the usual stated numbers), awkward ones around its limits, and a
 * million pseudo-random doubles of every magnitude. Returns the number
 * of failures. */
static int fmt_g15_checks(void)
{
    static const double edge[] = {0.1 + 0.2,
                                  1.0 / 3,
                                  2.0 / 3,
                                  1e-4,
                                  9.9999999999999e-5,
                                  1.00000000000001e-4,
                                  1e7,
                                  9999999.99999999,
                                  9999999.5,
                                  0.000123456789,
                                  123456.789,
                                  4.6,
                                  0.333333333333333,
                                  2.5e-300,
                                  1e300,
                                  -1e-7,
                                  0.5,
                                  -0.0,
                                  0.0,
                                  1e15,
                                  1e22,
                                  5e-324,
                                  2.2250738585072014e-308,
                                  1.7976931348623157e308,
                                  NAN,
                                  INFINITY,
                                  -INFINITY};
    int failed = 0;
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        failed += g15_differs(edge[i]) + g15_differs(-edge[i]);
    double p = 1;
    for (int k = 1; k <= 10; k++) {
        p *= 10;
        for (long i = -30000; i <= 30000; i++)
            failed += g15_differs((double)i / p) + g15_differs((double)(i * 997 + 12345) / p);
    }
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 1000000; i++) { /* xorshift64: any bit pattern, then scaled */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 24) - 8);
        failed += g15_differs(v) + g15_differs(round(v * 1e6) / 1e6);
    }
    return failed;
}

/* Runs the checks; see the file comment. */
/* The string arena: copies and concatenations read back; a string bigger
 * than a block gets one of its own; after a reset the kept blocks are
 * reused (the same first address) and the strings read back again.
 * Returns the number of failed checks. */
static int arena_checks(void)
{
    cc_arena a = {0};
    int failed = 0;
    const char *first = NULL;
    for (int round = 0; round < 2; round++) {
        char *id = cc_arena_strndup(&a, "ecb-1@120xx", 9);
        char *key = cc_arena_cat_v(&a, (const char *const[]){"killed", "/", "people", NULL});
        char *big = cc_arena_alloc(&a, 40000);
        char *after = cc_arena_strndup(&a, "after", 5);
        failed += !id || strcmp(id, "ecb-1@120") != 0;
        failed += !key || strcmp(key, "killed/people") != 0;
        failed += !big || !after || strcmp(after, "after") != 0;
        failed += cc_arena_strndup(&a, NULL, 3) != NULL;
        if (big)
            memset(big, 'x', 40000);
        failed += id && strcmp(id, "ecb-1@120") != 0; /* not overwritten */
        failed += round == 1 && id != first;
        first = id;
        cc_arena_reset(&a);
    }
    cc_arena_free(&a);
    cc_arena_free(&a); /* a freed arena is a zeroed one */
    return failed;
}

int main(int argc, char **argv)
{
    bool write = argc == 3 && strcmp(argv[2], "--write") == 0;
    if (argc != 2 && !write) {
        fprintf(stderr, "usage: %s GOLDEN.ndjson [--write]\n", argv[0]);
        return 2;
    }
    cc_cluster *cl = cc_test_sample_cluster();
    if (!cl)
        return 2;
    odd_fill(cl);
    char *got = NULL, *want = NULL;
    size_t got_len = 0, want_len = 0;
    FILE *mem = open_memstream(&got, &got_len);
    int failed =
        cc_test_expect(mem && cc_cluster_write_json(cl, mem, 0) == CC_OK, "cluster written");
    if (mem)
        fclose(mem);
    if (write) {
        FILE *f = fopen(argv[1], "wb");
        failed += cc_test_expect(f && fwrite(got, 1, got_len, f) == got_len && fclose(f) == 0,
                                 "golden written");
    } else {
        failed += cc_test_expect(cc_read_file(argv[1], &want, &want_len) == CC_OK &&
                                     want_len == got_len && memcmp(want, got, got_len) == 0,
                                 "bytes equal the golden");
    }
    failed += cc_test_expect(escape_checks(cl) == 0, "every byte escaped where it stands");
    failed += cc_test_expect(fmt_u64_checks() == 0, "integers as printf writes them");
    failed += cc_test_expect(fmt_g15_checks() == 0, "numbers as printf's %.15g writes them");
    failed += cc_test_expect(arena_checks() == 0, "arena strings kept until reset, blocks reused");
    FILE *ro = fopen("/dev/null", "r"); /* every write fails: the error is reported */
    failed += cc_test_expect(ro && cc_cluster_write_json(cl, ro, 0) == CC_ERROR_IO,
                             "write error reported");
    if (ro)
        fclose(ro);
    free(got);
    free(want);
    cc_cluster_free(cl);
    printf("test_output: %s\n", failed ? "FAILED" : "all passed");
    return failed ? 1 : 0;
}
