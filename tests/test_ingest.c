/* test_ingest.c: unit tests for stage 1, ingest (src/ingest.c).
 *
 * Usage: test_ingest [DATA_DIR [SEEDS_DIR]]. DATA_DIR holds the checked-in
 * inputs (default tests/data/ingest, i.e. run from the source root); the
 * optional SEEDS_DIR is the example cluster (default ../shared/seeds;
 * skipped when absent). Exits 0 when every check passes. */

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "timex.h"
#include "util.h"

#ifndef CC_TEST_DATA_DIR
#define CC_TEST_DATA_DIR "tests/data/ingest"
#endif
#ifndef CC_TEST_SEEDS_DIR
#define CC_TEST_SEEDS_DIR "../shared/seeds"
#endif

#define FFFD "\xEF\xBF\xBD"

/* Pass/fail counts and where the inputs live. */
typedef struct tally {
    int passed, failed;
    const char *data;  /* checked-in inputs */
    const char *seeds; /* example cluster */
    char tmp[64];      /* scratch directory for generated inputs */
} tally;

/* Records one check; prints where a failing one is. */
static bool check(tally *t, bool ok, const char *what, int line)
{
    if (ok)
        t->passed++;
    else {
        t->failed++;
        fprintf(stderr, "FAIL test_ingest.c:%d: %s\n", line, what);
    }
    return ok;
}

/* Records a string comparison (NULL matches only NULL). */
static bool check_str(tally *t, const char *got, const char *want, const char *what, int line)
{
    bool ok = got && want ? strcmp(got, want) == 0 : got == want;
    if (!ok)
        fprintf(stderr, "  %s: got \"%s\", want \"%s\"\n", what, got ? got : "(null)",
                want ? want : "(null)");
    return check(t, ok, what, line);
}

#define CHECK(t, cond) check((t), (cond), #cond, __LINE__)
#define CHECK_STR(t, got, want) check_str((t), (got), (want), #got, __LINE__)

/* Diagnostics captured through the diag callback, one per line. */
typedef struct diags {
    cc_buf all;
    size_t n;
} diags;

/* cc_diag_fn that appends msg to a diags. */
static void on_diag(void *ud, const char *msg)
{
    diags *d = ud;
    cc_buf_puts(&d->all, msg);
    cc_buf_putc(&d->all, '\n');
    d->n++;
}

/* True when some captured diagnostic contains needle. */
static bool has_diag(const diags *d, const char *needle)
{
    return d->all.p && strstr(d->all.p, needle) != NULL;
}

/* Checks that a diagnostic contains needle, and shows them all if not. */
static void check_diag(tally *t, const diags *d, const char *needle, int line)
{
    if (!has_diag(d, needle))
        fprintf(stderr, "  no diagnostic contains \"%s\"; got:\n%s", needle,
                d->all.p ? d->all.p : "(none)\n");
    check(t, has_diag(d, needle), needle, line);
}
#define CHECK_DIAG(t, d, needle) check_diag((t), (d), (needle), __LINE__)

/* What one cc_ingest_path call produced. */
typedef struct result {
    cc_error err;
    CC_VEC(cc_article) arts; /* owns the articles' strings */
    diags d;
    size_t calls;       /* sink calls */
    size_t fail_after;  /* sink calls that succeed before fail_with applies */
    cc_error fail_with; /* sink result once fail_after calls are done, if set */
} result;

/* cc_article_sink that keeps articles (taking ownership) or fails. */
static cc_error collect(void *ud, cc_article *a)
{
    result *r = ud;
    bool fail = r->fail_with != CC_OK && r->calls >= r->fail_after;
    r->calls++;
    if (fail || !CC_VEC_PUSH(r->arts, *a)) {
        cc_article_clear(a);
        return fail ? r->fail_with : CC_ERROR_MEMORY;
    }
    return CC_OK;
}

/* Frees everything a result holds. */
static void result_free(result *r)
{
    for (size_t i = 0; i < r->arts.n; i++)
        cc_article_clear(&r->arts.v[i]);
    free(r->arts.v);
    cc_buf_free(&r->d.all);
}

/* Runs cc_ingest_path on path into r (zeroed first). */
static void ingest(const char *path, result *r)
{
    memset(r, 0, sizeof *r);
    r->err = cc_ingest_path(path, collect, r, on_diag, &r->d);
}

/* Runs cc_ingest_text on raw[0..len) as id "t", path "p". */
static cc_error build(const char *raw, size_t len, cc_article *a, diags *d)
{
    memset(d, 0, sizeof *d);
    return cc_ingest_text("t", "p", raw, len, a, on_diag, d);
}

/* Builds from a NUL-terminated string. */
static cc_error build_s(const char *raw, cc_article *a, diags *d)
{
    return build(raw, strlen(raw), a, d);
}

/* Frees an article and diagnostics from build(). */
static void built_free(cc_article *a, diags *d)
{
    cc_article_clear(a);
    cc_buf_free(&d->all);
}

/* Returns "dir/name" as a new string; caller frees. */
static char *join(const char *dir, const char *name)
{
    return cc_strfmt("%s/%s", dir, name);
}

/* Writes len bytes to dir/name; false on failure. */
static bool write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char *p = join(dir, name);
    FILE *f = p ? fopen(p, "wb") : NULL;
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    free(p);
    return ok;
}

/* Removes dir/name (a file or an empty directory). */
static void remove_in(const char *dir, const char *name)
{
    char *p = join(dir, name);
    if (p)
        remove(p);
    free(p);
}

/* ---- cc_ingest_text ---- */

/* Front matter sets title, outlet, url and published; quotes and case. */
static void test_front_matter(tally *t)
{
    cc_article a;
    diags d;
    cc_error err = build_s("---\n"
                           "TITLE:  \"Quake toll rises\"  \n"
                           "Outlet: 'Example Wire'\n"
                           "url: https://example.org/a?b=1\n"
                           "Date: 2024-03-21\n"
                           "source: wire\n"
                           "---\n"
                           "\nBody starts here.\n",
                           &a, &d);
    CHECK(t, err == CC_OK);
    CHECK_STR(t, a.id, "t");
    CHECK_STR(t, a.path, "p");
    CHECK_STR(t, a.title, "Quake toll rises");
    CHECK_STR(t, a.outlet, "Example Wire");
    CHECK_STR(t, a.url, "https://example.org/a?b=1");
    CHECK(t, a.published == cc_day_from_ymd(2024, 3, 21));
    CHECK(t, a.published_from == CC_PUB_METADATA);
    CHECK_STR(t, a.body, "\nBody starts here.\n");
    CHECK(t, a.body_len == strlen(a.body));
    CHECK(t, d.n == 0);
    built_free(&a, &d);
}

/* The checked-in front matter file: timestamp date, malformed line warned
 * with its line number, unknown keys and comments ignored. */
static void test_front_matter_file(tally *t)
{
    char *path = join(t->data, "front_matter.md");
    char *where = cc_strfmt("%s:9: ignored front matter line", path);
    result r;
    ingest(path, &r);
    CHECK(t, r.err == CC_OK);
    if (CHECK(t, r.arts.n == 1)) {
        cc_article *a = &r.arts.v[0];
        CHECK_STR(t, a->id, "front_matter");
        CHECK_STR(t, a->path, path);
        CHECK_STR(t, a->title, "Quake death toll rises to 43");
        CHECK_STR(t, a->outlet, "Example Wire");
        CHECK_STR(t, a->url, "https://example.org/news/quake?id=7");
        CHECK(t, a->published == cc_day_from_ymd(2024, 3, 22));
        CHECK(t, a->published_from == CC_PUB_METADATA);
        CHECK_STR(t, a->body, "At least 43 people were killed, officials said on Friday.\n");
    }
    CHECK(t, r.d.n == 1);
    CHECK_DIAG(t, &r.d, where);
    result_free(&r);
    free(where);
    free(path);
}

/* Unclosed front matter: the whole text is the body, with a warning; an
 * unparsable date is warned about and ignored. */
static void test_front_matter_problems(tally *t)
{
    cc_article a;
    diags d;
    const char *raw = "---\ntitle: Never closed\nBody text.\n";
    CHECK(t, build_s(raw, &a, &d) == CC_OK);
    CHECK_STR(t, a.body, raw);
    CHECK_DIAG(t, &d, "p: front matter has no closing '---' line");
    built_free(&a, &d);

    CHECK(t, build_s("---\npublished: March 22\n---\nBody text.\n", &a, &d) == CC_OK);
    CHECK(t, a.published == CC_NO_DAY);
    CHECK(t, a.published_from == CC_PUB_NONE);
    CHECK_DIAG(t, &d, "p:2: ignored unparsable date 'March 22'");
    CHECK_STR(t, a.body, "Body text.\n");
    built_free(&a, &d);
}

/* Header date line: date is taken and the body starts at the real text. */
static void test_header_date(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build_s(" date 2024-03-22 Secretary said talks go on.\n\nMore.\n", &a, &d) == CC_OK);
    CHECK(t, a.published == cc_day_from_ymd(2024, 3, 22));
    CHECK(t, a.published_from == CC_PUB_METADATA);
    CHECK_STR(t, a.body, "Secretary said talks go on.\n\nMore.\n");
    CHECK(t, a.body_len == strlen("Secretary said talks go on.\n\nMore.\n"));
    CHECK(t, a.title == NULL);
    CHECK(t, d.n == 0);
    built_free(&a, &d);

    CHECK(t, build_s("\n\n  Date\t2024-01-05\n\nHeadline here\nText.\n", &a, &d) == CC_OK);
    CHECK(t, a.published == cc_day_from_ymd(2024, 1, 5));
    CHECK_STR(t, a.body, "Headline here\nText.\n");
    CHECK_STR(t, a.title, "Headline here");
    built_free(&a, &d);

    /* Front matter's date wins; the header line is still removed. */
    CHECK(t, build_s("---\ndate: 2024-02-01\n---\ndate 2024-03-22 Text.\n", &a, &d) == CC_OK);
    CHECK(t, a.published == cc_day_from_ymd(2024, 2, 1));
    CHECK_STR(t, a.body, "Text.\n");
    built_free(&a, &d);

    /* An impossible date is warned about and ignored. */
    CHECK(t, build_s("date 2024-02-30 Text.\n", &a, &d) == CC_OK);
    CHECK(t, a.published == CC_NO_DAY);
    CHECK(t, a.published_from == CC_PUB_NONE);
    CHECK_DIAG(t, &d, "p: ignored invalid header date '2024-02-30'");
    CHECK_STR(t, a.body, "Text.\n");
    built_free(&a, &d);
}

/* Texts that only look like a header date line stay untouched. */
static void test_not_header_date(tally *t)
{
    static const char *const raws[] = {
        "dated 2024-03-22 text.\n",
        "date 2024-03-22T10:00 text.\n",
        "date 24-03-22 text.\n",
        "The date 2024-03-22 was set.\n",
        "date",
    };
    for (size_t i = 0; i < sizeof raws / sizeof *raws; i++) {
        cc_article a;
        diags d;
        CHECK(t, build_s(raws[i], &a, &d) == CC_OK);
        CHECK_STR(t, a.body, raws[i]);
        CHECK(t, a.published == CC_NO_DAY);
        built_free(&a, &d);
    }
}

/* Title fallback: first non-blank short line not ending in '.'. */
static void test_title(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build_s("\n \n  Short headline  \nBody.\n", &a, &d) == CC_OK);
    CHECK_STR(t, a.title, "Short headline");
    CHECK_STR(t, a.body, "\n \n  Short headline  \nBody.\n");
    built_free(&a, &d);

    CHECK(t, build_s("A sentence, not a headline.\nBody.\n", &a, &d) == CC_OK);
    CHECK(t, a.title == NULL);
    built_free(&a, &d);

    char line[200];
    memset(line, 'x', sizeof line);
    line[150] = '\0';
    CHECK(t, build_s(line, &a, &d) == CC_OK);
    CHECK(t, a.title && strlen(a.title) == 150);
    built_free(&a, &d);
    line[150] = 'x';
    line[151] = '\0';
    CHECK(t, build_s(line, &a, &d) == CC_OK);
    CHECK(t, a.title == NULL);
    built_free(&a, &d);
}

/* BOM stripped silently; UTF-16 BOMs rejected. */
static void test_bom(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build_s("\xEF\xBB\xBFHello there\n", &a, &d) == CC_OK);
    CHECK_STR(t, a.body, "Hello there\n");
    CHECK_STR(t, a.title, "Hello there");
    CHECK(t, d.n == 0);
    built_free(&a, &d);

    CHECK(t, build("\xFF\xFEH\0i\0", 6, &a, &d) == CC_ERROR_INPUT);
    CHECK_DIAG(t, &d, "p: UTF-16 is not supported; convert to UTF-8");
    CHECK(t, a.id == NULL && a.body == NULL);
    built_free(&a, &d);
    CHECK(t, build("\xFE\xFF\0H\0i", 6, &a, &d) == CC_ERROR_INPUT);
    CHECK_DIAG(t, &d, "UTF-16 is not supported");
    built_free(&a, &d);

    /* A UTF-8 BOM before front matter still lets front matter be seen. */
    CHECK(t, build_s("\xEF\xBB\xBF---\ntitle: T\n---\nBody.\n", &a, &d) == CC_OK);
    CHECK_STR(t, a.title, "T");
    CHECK_STR(t, a.body, "Body.\n");
    built_free(&a, &d);
}

/* CRLF and lone CR become LF, without a warning. */
static void test_line_ends(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build_s("---\r\ntitle: T\r\n---\r\nOne\r\ntwo\rthree\r\n\r", &a, &d) == CC_OK);
    CHECK_STR(t, a.title, "T");
    CHECK_STR(t, a.body, "One\ntwo\nthree\n\n");
    CHECK(t, d.n == 0);
    built_free(&a, &d);
    /* long plain runs are skipped 8 bytes at a time: a CR, a NUL and a
     * non-ASCII byte at each offset of such a word are still seen */
    CHECK(t,
          build_s("0123456789abcdef\r0123456789abcde\r\n0123456789ab\xc3\xa9z", &a, &d) == CC_OK);
    CHECK_STR(t, a.body, "0123456789abcdef\n0123456789abcde\n0123456789ab\xc3\xa9z");
    CHECK(t, d.n == 0);
    built_free(&a, &d);
    CHECK(t, build("0123456789\0abcdefgh", 19, &a, &d) == CC_OK);
    CHECK_STR(t, a.body, "0123456789" FFFD "abcdefgh");
    built_free(&a, &d);
}

/* NUL bytes become U+FFFD with one warning naming the first offset. */
static void test_nul(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build("ab\0cd\0", 6, &a, &d) == CC_OK);
    CHECK_STR(t, a.body, "ab" FFFD "cd" FFFD);
    CHECK(t, a.body_len == 10);
    CHECK(t, d.n == 1);
    CHECK_DIAG(t, &d,
               "p: repaired 0 invalid UTF-8 sequence(s) and 2 NUL byte(s) (first at byte 2)");
    built_free(&a, &d);
}

/* One invalid UTF-8 case: input, expected body, repairs, first offset. */
typedef struct utf8_case {
    const char *in, *want;
    size_t bad, first;
} utf8_case;

/* Invalid UTF-8 variants are each replaced by U+FFFD per maximal subpart. */
static void test_invalid_utf8(tally *t)
{
    static const utf8_case cases[] = {
        {"x\xC0\xAFy", "x" FFFD FFFD "y", 2, 1},                /* overlong '/' */
        {"\xE0\x80\xAF", FFFD FFFD FFFD, 3, 0},                 /* overlong 3-byte */
        {"ab\xF0\x80\x80\xAF", "ab" FFFD FFFD FFFD FFFD, 4, 2}, /* overlong 4 */
        {"\xED\xA0\x80z", FFFD FFFD FFFD "z", 3, 0},            /* surrogate D800 */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD, 4, 0},        /* U+110000 */
        {"\xF5\x80", FFFD FFFD, 2, 0},                          /* lead > F4 */
        {"ok\xE2\x82", "ok" FFFD, 1, 2},                        /* truncated at end */
        {"\xE2\x82z", FFFD "z", 1, 0},                          /* truncated inside */
        {"\xF0\x9F\x98", FFFD, 1, 0},                           /* truncated 4-byte */
        {"a\200b\277", "a" FFFD "b" FFFD, 2, 1},                /* lone continuations */
        {"\xFF", FFFD, 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cc_article a;
        diags d;
        char want[128];
        snprintf(want, sizeof want,
                 "p: repaired %zu invalid UTF-8 sequence(s) and 0 NUL byte(s) (first at byte %zu)",
                 cases[i].bad, cases[i].first);
        int failed = t->failed;
        CHECK(t, build_s(cases[i].in, &a, &d) == CC_OK);
        CHECK_STR(t, a.body, cases[i].want);
        CHECK(t, d.n == 1);
        CHECK_DIAG(t, &d, want);
        if (t->failed != failed)
            fprintf(stderr, "  (in invalid UTF-8 case %zu)\n", i);
        built_free(&a, &d);
    }
}

/* Valid multi-byte UTF-8, including the edges of each range, is kept. */
static void test_valid_utf8(tally *t)
{
    const char *s = "Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\x80 \xDF\xBF \xE0\xA0\x80 "
                    "\xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF";
    cc_article a;
    diags d;
    CHECK(t, build_s(s, &a, &d) == CC_OK);
    CHECK_STR(t, a.body, s);
    CHECK(t, d.n == 0);
    built_free(&a, &d);
}

/* Empty and whitespace-only articles are rejected. */
static void test_empty(tally *t)
{
    static const char *const raws[] = {"", " \n\t\r\n", "\xEF\xBB\xBF", "---\ntitle: T\n---\n\n",
                                       " date 2024-03-22 \n\n"};
    for (size_t i = 0; i < sizeof raws / sizeof *raws; i++) {
        cc_article a;
        diags d;
        CHECK(t, build_s(raws[i], &a, &d) == CC_ERROR_INPUT);
        CHECK_DIAG(t, &d, "p: empty article");
        CHECK(t, a.id == NULL && a.title == NULL && a.body == NULL);
        built_free(&a, &d);
    }
    cc_article a;
    diags d;
    CHECK(t, build(NULL, 0, &a, &d) == CC_ERROR_INPUT);
    built_free(&a, &d);
}

/* Articles over 64 MiB are rejected before any work. */
static void test_too_large(tally *t)
{
    size_t n = ((size_t)64 << 20) + 1;
    char *big = calloc(1, n);
    if (!CHECK(t, big != NULL))
        return;
    memset(big, 'a', n);
    cc_article a;
    diags d;
    CHECK(t, build(big, n, &a, &d) == CC_ERROR_INPUT);
    CHECK_DIAG(t, &d, "p: article is larger than 64 MiB");
    built_free(&a, &d);
    CHECK(t, build(big, n - 1, &a, &d) == CC_OK);
    CHECK(t, a.body_len == n - 1);
    built_free(&a, &d);
    free(big);
}

/* cc_article_clear frees and zeroes. */
static void test_clear(tally *t)
{
    cc_article a;
    diags d;
    CHECK(t, build_s("---\noutlet: O\nurl: U\n---\nTitle\nBody.\n", &a, &d) == CC_OK);
    cc_article_clear(&a);
    CHECK(t, !a.id && !a.path && !a.title && !a.outlet && !a.url && !a.body && a.body_len == 0 &&
                 a.published == 0 && a.published_from == CC_PUB_NONE && !a.from_store &&
                 a.n_claims == 0);
    built_free(&a, &d);
}

/* ---- cc_ingest_path ---- */

/* A directory: *.txt and *.md only, hidden files skipped, strcmp order. */
static void test_dir(tally *t)
{
    static const char *const ids[] = {"10", "9", "B", "a", "c"};
    char *dir = join(t->data, "cluster");
    result r;
    ingest(dir, &r);
    CHECK(t, r.err == CC_OK);
    CHECK(t, r.d.n == 0);
    if (CHECK(t, r.arts.n == 5)) {
        for (size_t i = 0; i < 5; i++)
            CHECK_STR(t, r.arts.v[i].id, ids[i]);
        char *want = cc_strfmt("%s/B.txt", dir);
        CHECK_STR(t, r.arts.v[2].path, want);
        free(want);
        CHECK_STR(t, r.arts.v[3].title, "Lower a");
        CHECK_STR(t, r.arts.v[3].body, "Article a.\n");
        CHECK_STR(t, r.arts.v[0].title, "Ten");
    }
    result_free(&r);

    /* A trailing slash gives the same paths without "//". */
    char *slash = cc_strfmt("%s/", dir);
    ingest(slash, &r);
    if (CHECK(t, r.arts.n == 5))
        CHECK(t, strstr(r.arts.v[0].path, "//") == NULL);
    result_free(&r);
    free(slash);
    free(dir);
}

/* Directory without articles, nonexistent path. */
static void test_path_errors(tally *t)
{
    char *dir = join(t->data, "noarticles");
    char *want = cc_strfmt("%s: no *.txt or *.md articles in directory", dir);
    result r;
    ingest(dir, &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    CHECK(t, r.arts.n == 0);
    CHECK_DIAG(t, &r.d, want);
    result_free(&r);
    free(want);
    free(dir);

    char *missing = join(t->data, "no-such-file.txt");
    want = cc_strfmt("%s: No such file or directory", missing);
    ingest(missing, &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    CHECK(t, r.arts.n == 0 && r.calls == 0);
    CHECK_DIAG(t, &r.d, want);
    result_free(&r);
    free(want);
    free(missing);
}

/* Single files: the id drops only the last extension; other extensions are
 * text; the header date file; repairs warn without failing. */
static void test_single_files(tally *t)
{
    char *path = join(t->data, "header_date.txt");
    result r;
    ingest(path, &r);
    CHECK(t, r.err == CC_OK);
    if (CHECK(t, r.arts.n == 1)) {
        CHECK_STR(t, r.arts.v[0].id, "header_date");
        CHECK(t, strncmp(r.arts.v[0].body, "Secretary of State said", 23) == 0);
        CHECK(t, r.arts.v[0].published == cc_day_from_ymd(2024, 3, 22));
    }
    result_free(&r);
    free(path);

    CHECK(t, write_file(t->tmp, "x.tar.gz", "bad \xC3(\n", 7));
    path = join(t->tmp, "x.tar.gz");
    char *want = cc_strfmt("%s: repaired 1 invalid UTF-8 sequence(s) and 0 NUL byte(s) "
                           "(first at byte 4)",
                           path);
    ingest(path, &r);
    CHECK(t, r.err == CC_OK);
    if (CHECK(t, r.arts.n == 1)) {
        CHECK_STR(t, r.arts.v[0].id, "x.tar");
        CHECK_STR(t, r.arts.v[0].body, "bad " FFFD "(\n");
    }
    CHECK_DIAG(t, &r.d, want);
    result_free(&r);
    free(want);
    free(path);
}

/* One input for test_file_as_text: its bytes and their count. */
typedef struct raw_case {
    const char *s;
    size_t len;
} raw_case;
#define RAW(lit)                                                                                   \
    {                                                                                              \
        (lit), sizeof(lit) - 1                                                                     \
    }

/* Checks that the file a.txt holding c gives the article (or the
 * rejection) and as many diagnostics as cc_ingest_text does: a file's
 * bytes are used in place when they need no repair, a copy otherwise. */
static void file_as_text(tally *t, const raw_case *c)
{
    cc_article a;
    diags d;
    cc_error err = build(c->s, c->len, &a, &d);
    char *path = join(t->tmp, "a.txt");
    result r;
    CHECK(t, write_file(t->tmp, "a.txt", c->s, c->len));
    ingest(path, &r);
    CHECK(t, (r.err == CC_OK) == (err == CC_OK) && r.arts.n == (err == CC_OK));
    CHECK(t, r.d.n == d.n);
    cc_article *f = r.arts.n ? r.arts.v : &a;
    CHECK_STR(t, f->body, a.body);
    CHECK_STR(t, f->title, a.title);
    CHECK_STR(t, f->outlet, a.outlet);
    CHECK(t, f->body_len == a.body_len && f->published == a.published &&
                 f->published_from == a.published_from);
    result_free(&r);
    built_free(&a, &d);
    remove_in(t->tmp, "a.txt");
    free(path);
}

/* Files that need no repair and files that do (CR, NUL, invalid UTF-8
 * at and around word edges, a BOM, front matter, header dates, empty
 * ones) come out of a path as they do out of cc_ingest_text. */
static void test_file_as_text(tally *t)
{
    static const raw_case cases[] = {
        RAW("Plain text.\n"),
        RAW("\xEF\xBB\xBF---\ntitle: T\noutlet: O\n---\nBody \xC3\xA9t\xC3\xA9.\n"),
        RAW("---\r\ntitle: T\r\n---\r\nOne\r\ntwo\rthree\r\n"),
        RAW("0123456789abcdef\r0123456789abcde\n0123456789ab\xc3\xa9z"),
        RAW("0123456789abcdefghijklmn\0opq"),
        RAW("0123456789abcdefghijklmno\xF0\x9F\x98\x80 \xE2\x82 end"),
        RAW("date 2024-03-22\n\nSecretary said 3.\n"),
        RAW("\xEF\xBB\xBF \n\t\n"),
        RAW(""),
        RAW("x\xC0\xAFy and more text after it to pass a word or two"),
        RAW("ends in a lead byte \xE2"),
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int failed = t->failed;
        file_as_text(t, &cases[i]);
        if (t->failed != failed)
            fprintf(stderr, "  (in file case %zu)\n", i);
    }
}

/* In a directory, an empty article and a dangling symlink are rejected, a
 * directory named *.txt is skipped, and the rest still arrives; the call
 * returns CC_ERROR_INPUT. */
static void test_dir_with_bad_article(tally *t)
{
    char *dir = join(t->tmp, "mixed");
    CHECK(t, dir && mkdir(dir, 0700) == 0);
    CHECK(t, write_file(dir, "a.txt", "Good article.\n", 14));
    CHECK(t, write_file(dir, "b.md", " \n\n", 3));
    CHECK(t, write_file(dir, "c.txt", "Another good one.\n", 18));
    char *sub = join(dir, "sub.txt");
    CHECK(t, sub && mkdir(sub, 0700) == 0);
    char *link = join(dir, "d.txt");
    CHECK(t, link && symlink("nowhere", link) == 0);
    char *want = cc_strfmt("%s/b.md: empty article", dir);
    char *want2 = cc_strfmt("%s: cannot read: No such file or directory", link);
    result r;
    ingest(dir, &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    if (CHECK(t, r.arts.n == 2)) {
        CHECK_STR(t, r.arts.v[0].id, "a");
        CHECK_STR(t, r.arts.v[1].id, "c");
    }
    CHECK(t, r.d.n == 2);
    CHECK_DIAG(t, &r.d, want);
    CHECK_DIAG(t, &r.d, want2);
    result_free(&r);
    remove(link);
    remove(sub);
    remove_in(dir, "a.txt");
    remove_in(dir, "b.md");
    remove_in(dir, "c.txt");
    remove(dir);
    free(want2);
    free(want);
    free(link);
    free(sub);
    free(dir);
}

/* An unreadable file is reported as "cannot read" and skipped. As root,
 * permissions do not stop reads, so /proc/self/mem (EIO at offset 0) is
 * used instead when available. */
static void test_unreadable(tally *t)
{
    char *path = NULL;
    if (geteuid() != 0) {
        CHECK(t, write_file(t->tmp, "locked.txt", "Secret.\n", 8));
        path = join(t->tmp, "locked.txt");
        CHECK(t, path && chmod(path, 0) == 0);
    } else if (access("/proc/self/mem", F_OK) == 0) {
        path = cc_strdup("/proc/self/mem");
    } else {
        printf("ingest: unreadable-file test skipped (root, no /proc)\n");
        return;
    }
    char *want = cc_strfmt("%s: cannot read: ", path);
    result r;
    ingest(path, &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    CHECK(t, r.arts.n == 0);
    CHECK_DIAG(t, &r.d, want);
    result_free(&r);
    if (geteuid() != 0)
        remove(path);
    free(want);
    free(path);
}

/* NDJSON file: good and bad lines, line numbers, optional fields. */
static void test_ndjson_file(tally *t)
{
    static const char *const bad[] = {
        ":4: invalid JSON: ",
        ":5: not a JSON object",
        ":6: missing, empty or non-string \"id\"",
        ":7: empty article",
        ":8: missing or non-string \"text\"",
        ":9: ignored unparsable \"published\" value 'someday'",
    };
    char *path = join(t->data, "mixed.ndjson");
    result r;
    ingest(path, &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *want = cc_strfmt("%s%s", path, bad[i]);
        CHECK_DIAG(t, &r.d, want);
        free(want);
    }
    CHECK(t, r.d.n == 6);
    if (CHECK(t, r.arts.n == 4)) {
        cc_article *a = r.arts.v;
        char *p1 = cc_strfmt("%s:1", path);
        CHECK_STR(t, a[0].id, "n1");
        CHECK_STR(t, a[0].path, p1);
        CHECK_STR(t, a[0].title, "T1");
        CHECK_STR(t, a[0].outlet, "O1");
        CHECK_STR(t, a[0].url, "https://example.org/1");
        CHECK(t, a[0].published == cc_day_from_ymd(2024, 3, 22));
        CHECK(t, a[0].published_from == CC_PUB_METADATA);
        CHECK_STR(t, a[0].body, "First article text.");
        free(p1);
        CHECK_STR(t, a[1].id, "n2");
        CHECK(t, a[1].title == NULL && a[1].outlet == NULL && a[1].url == NULL);
        CHECK(t, a[1].published == CC_NO_DAY && a[1].published_from == CC_PUB_NONE);
        CHECK_STR(t, a[2].id, "9");
        CHECK(t, a[2].published == CC_NO_DAY);
        CHECK_STR(t, a[3].id, "n10");
        CHECK_STR(t, a[3].title, "From front matter");
        CHECK_STR(t, a[3].body, "Body ten.");
    }
    result_free(&r);
    free(path);
}

/* "-" reads NDJSON from stdin: BOM, CRLF, NUL repair, a long line. */
static void test_ndjson_stdin(tally *t)
{
    size_t big = 1 << 20;
    cc_buf in = {0};
    cc_buf_puts(&in, "\xEF\xBB\xBF{\"id\":\"s1\",\"text\":\"a\\u0000b\"}\r\n\r\n");
    cc_buf_puts(&in, "{\"id\":\"s2\",\"text\":\"");
    for (size_t i = 0; i < big; i++)
        cc_buf_putc(&in, 'x');
    cc_buf_puts(&in, "\",\"title\":7,\"published\":20240322}\n{\"id\":\"s3\"}");
    bool ok = !in.oom && write_file(t->tmp, "stdin.ndjson", in.p, in.len);
    cc_buf_free(&in);
    char *path = join(t->tmp, "stdin.ndjson");
    if (!CHECK(t, ok && path && freopen(path, "rb", stdin) != NULL)) {
        free(path);
        return;
    }
    result r;
    ingest("-", &r);
    CHECK(t, r.err == CC_ERROR_INPUT);
    if (CHECK(t, r.arts.n == 2)) {
        CHECK_STR(t, r.arts.v[0].path, "<stdin>:1");
        CHECK_STR(t, r.arts.v[0].body, "a" FFFD "b");
        CHECK(t, r.arts.v[1].body_len == big);
        CHECK(t, r.arts.v[1].title == NULL);
    }
    CHECK_DIAG(t, &r.d, "<stdin>:1: repaired 0 invalid UTF-8 sequence(s) and 1 NUL byte(s)");
    CHECK_DIAG(t, &r.d, "<stdin>:3: ignored non-string \"title\"");
    CHECK_DIAG(t, &r.d, "<stdin>:3: ignored non-string \"published\"");
    CHECK_DIAG(t, &r.d, "<stdin>:4: missing or non-string \"text\"");
    result_free(&r);
    remove(path);
    free(path);
}

/* True when two readings of a record field agree. */
static bool nd_same(const cc_nd_value *a, const cc_nd_value *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == CC_ND_STRING)
        return a->len == b->len && memcmp(a->s, b->s, a->len + 1) == 0;
    return a->kind != CC_ND_INTEGER || a->i == b->i;
}

/* Reads line with the fast reader and with jansson; whenever the fast one
 * accepts, jansson must read the same record. Returns whether the fast
 * reader accepted. */
static bool nd_differ(tally *t, const char *line, size_t n)
{
    cc_buf arena = {0};
    cc_nd_record fast, slow;
    bool took = cc_ndjson_fast(line, n, &arena, &fast);
    json_t *obj = json_loadb(line, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, NULL);
    cc_ndjson_from_jansson(obj, &slow);
    if (took) {
        bool same = obj && fast.object == slow.object && nd_same(&fast.id, &slow.id) &&
                    nd_same(&fast.text, &slow.text) && nd_same(&fast.title, &slow.title) &&
                    nd_same(&fast.outlet, &slow.outlet) && nd_same(&fast.url, &slow.url) &&
                    nd_same(&fast.published, &slow.published);
        if (!same)
            fprintf(stderr, "  fast and jansson readings differ: %.*s\n", (int)n, line);
        CHECK(t, same);
    }
    json_decref(obj);
    cc_buf_free(&arena);
    return took;
}

/* The fast NDJSON reader: the usual records it must take (and read as
 * jansson does); everything it leaves to jansson (duplicates, lone
 * surrogates, NUL in a key, reals, nesting, bad UTF-8...) still checked
 * against jansson whenever it does take one. */
static void test_ndjson_fast(tally *t)
{
    static const char *const take[] = {
        "{\"id\": \"a\", \"text\": \"plain\"}\n",
        " {\"id\":7,\"text\":\"x\\ny\\t\\\"q\\\" \\\\ \\/ \\b\\f\\r\"}\r\n",
        "{\"id\":-0,\"text\":\"\\u00e9\\u20AC\\ud83d\\ude00 caf\xC3\xA9 \xE2\x82\xAC "
        "\xF0\x9F\x98\x80\"}",
        "{\"id\":\"n\",\"text\":\"a\\u0000b\",\"title\":null,\"outlet\":true,\"url\":false,"
        "\"published\":20240322,\"extra\":\"\"}",
        "{\"id\":123456789012345678,\"text\":\"\",\"title\":\"\\u0000t\"}",
        "{}",
        "{\"\\u0069d\":\"escaped key\",\"text\":\"t\"}",
        "{\"id\":-123456789012345678,\"text\":\"del \x7f, 01234567\xC3\xA9 \xF4\x8F\xBF\xBF\"}",
        "{\"\":1,\"id\":\"empty key\",\"text\":\"t\"}",
    };
    static const char *const leave[] = {
        "{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\"}",
        "{\"id\":\"a\",\"\\u0069d\":\"b\",\"text\":\"t\"}",
        "{\"id\":\"a\",\"text\":\"\\ud83d\"}",
        "{\"id\":\"a\",\"text\":\"\\ude00\"}",
        "{\"id\":\"a\",\"text\":\"\\ud83d\\u0041\"}",
        "{\"a\\u0000b\":1,\"text\":\"t\"}",
        "{\"id\":1.5,\"text\":\"t\"}",
        "{\"id\":1e5,\"text\":\"t\"}",
        "{\"id\":01,\"text\":\"t\"}",
        "{\"id\":1234567890123456789,\"text\":\"t\"}",
        "{\"id\":\"a\",\"text\":\"t\",\"x\":[1]}",
        "{\"id\":\"a\",\"text\":\"t\",\"x\":{}}",
        "{\"id\":\"a\",\"text\":\"raw\ttab\"}",
        "{\"id\":\"a\",\"text\":\"bad \xC3\x28 utf8\"}",
        "{\"id\":\"a\",\"text\":\"overlong \xC0\xAF\"}",
        "{\"id\":\"a\",\"text\":\"surrogate \xED\xA0\x80\"}",
        "{\"id\":\"a\",\"text\":\"\\x\"}",
        "{\"id\":\"a\",\"text\":\"\\u12G4\"}",
        "{\"id\":\"a\",\"text\":\"unterminated}",
        "{\"id\":\"a\",\"text\":\"t\"} x",
        "{\"id\":\"a\",\"text\":\"t\",}",
        "{\"id\":nullx,\"text\":\"t\"}",
        "{\"id\" \"a\"}",
        "[1]",
        "\"s\"",
        "{\"id\":\"a\",\"text\":\"t\"}\f",
        "{\v\"id\":\"a\",\"text\":\"t\"}",
        "{\"id\":\"a\",\"text\":\"above U+10FFFF \xF4\x90\x80\x80\"}",
        "{\"id\":\"a\",\"text\":\"cut \xC3\"}",
        "{\"id\":\"a\",\"text\":\"\\ud800\\udbff\"}",
        "{\"id\":\"a\",\"text\":\"\\u12\"}",
        "{\"id\":\"a\",\"text\":\"t\\",
        "{\"id\":-,\"text\":\"t\"}",
        "{\"id\":-01,\"text\":\"t\"}",
        "{\"id\":tru,\"text\":\"t\"}",
        "{\"id\":\"a\",\"text\":\"t\"",
        "{,}",
    };
    for (size_t i = 0; i < sizeof take / sizeof *take; i++)
        CHECK(t, nd_differ(t, take[i], strlen(take[i])));
    for (size_t i = 0; i < sizeof leave / sizeof *leave; i++)
        CHECK(t, !nd_differ(t, leave[i], strlen(leave[i])));
    static const char nul_inside[] = "{\"id\":\"a\",\"text\":\"t\0u\"}";
    CHECK(t, !nd_differ(t, nul_inside, sizeof nul_inside - 1));
    cc_buf many = {0};
    cc_buf_putc(&many, '{');
    for (int k = 0; k < 20; k++)
        cc_buf_printf(&many, "\"k%d\":%d,", k, k);
    cc_buf_puts(&many, "\"id\":\"a\",\"text\":\"t\"}");
    nd_differ(t, many.p, many.len); /* past the key limit: either way, same reading */
    cc_buf_free(&many);
}

/* A sink error stops ingest at once and is returned. */
static void test_sink_error(tally *t)
{
    char *dir = join(t->data, "cluster");
    result r;
    memset(&r, 0, sizeof r);
    r.fail_with = CC_ERROR_DB;
    r.err = cc_ingest_path(dir, collect, &r, on_diag, &r.d);
    CHECK(t, r.err == CC_ERROR_DB);
    CHECK(t, r.calls == 1);
    result_free(&r);

    char *nd = join(t->data, "mixed.ndjson");
    memset(&r, 0, sizeof r);
    r.fail_with = CC_ERROR_MEMORY;
    r.err = cc_ingest_path(nd, collect, &r, on_diag, &r.d);
    CHECK(t, r.err == CC_ERROR_MEMORY);
    CHECK(t, r.calls == 1);
    CHECK(t, r.d.n == 0);
    result_free(&r);

    /* Failing on line 9, after lines 4-8 were rejected: the sink's error
     * wins over CC_ERROR_INPUT, and line 10 is never read. */
    memset(&r, 0, sizeof r);
    r.fail_after = 2;
    r.fail_with = CC_ERROR_DB;
    r.err = cc_ingest_path(nd, collect, &r, on_diag, &r.d);
    CHECK(t, r.err == CC_ERROR_DB);
    CHECK(t, r.calls == 3);
    CHECK(t, r.arts.n == 2);
    CHECK(t, r.d.n == 6);
    result_free(&r);
    free(nd);
    free(dir);
}

/* The example cluster, when present. */
static void test_seeds(tally *t)
{
    struct stat st;
    if (stat(t->seeds, &st) != 0) {
        printf("ingest: seeds test skipped (%s: %s)\n", t->seeds, strerror(errno));
        return;
    }
    result r;
    ingest(t->seeds, &r);
    CHECK(t, r.err == CC_OK);
    CHECK(t, r.d.n == 0);
    if (!CHECK(t, r.arts.n == 5)) {
        result_free(&r);
        return;
    }
    cc_article *a = r.arts.v;
    CHECK_STR(t, a[0].id, "000_83a1a91ddaf58fa9");
    CHECK_STR(t, a[4].id, "004_230c4de19c50a3d6");
    CHECK_STR(t, a[1].title, "Top US diplomat pushes for Gaza deal in Egypt talks");
    CHECK(t, a[0].title == NULL);
    CHECK(t, strncmp(a[2].body, "Secretary of State Antony Blinken said", 38) == 0);
    CHECK(t, a[2].published == cc_day_from_ymd(2024, 3, 22));
    CHECK(t, a[2].published_from == CC_PUB_METADATA);
    for (size_t i = 0; i < 5; i++) {
        CHECK(t, a[i].body_len == strlen(a[i].body));
        CHECK(t, i == 2 || a[i].published_from == CC_PUB_NONE);
    }
    result_free(&r);
}

/* Runs every test; returns the exit status. */
int main(int argc, char **argv)
{
    tally t = {0, 0, argc > 1 ? argv[1] : CC_TEST_DATA_DIR, argc > 2 ? argv[2] : CC_TEST_SEEDS_DIR,
               "/tmp/cc_test_ingest.XXXXXX"};
    if (!mkdtemp(t.tmp)) {
        fprintf(stderr, "test_ingest: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    test_front_matter(&t);
    test_front_matter_file(&t);
    test_front_matter_problems(&t);
    test_header_date(&t);
    test_not_header_date(&t);
    test_title(&t);
    test_bom(&t);
    test_line_ends(&t);
    test_nul(&t);
    test_invalid_utf8(&t);
    test_valid_utf8(&t);
    test_empty(&t);
    test_too_large(&t);
    test_clear(&t);
    test_dir(&t);
    test_path_errors(&t);
    test_single_files(&t);
    test_file_as_text(&t);
    test_dir_with_bad_article(&t);
    test_unreadable(&t);
    test_ndjson_file(&t);
    test_ndjson_stdin(&t);
    test_ndjson_fast(&t);
    test_sink_error(&t);
    test_seeds(&t);
    remove_in(t.tmp, "x.tar.gz");
    remove(t.tmp);
    printf("ingest: %d passed, %d failed\n", t.passed, t.failed);
    return t.failed == 0 ? 0 : 1;
}
