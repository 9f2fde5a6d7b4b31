/* test_report.c: writes the sample cluster's workbook for check_workbook.py.
 *
 * Usage: test_report OUT.xlsx [EDGE.xlsx]
 *        test_report --big BIG.xlsx
 *
 * Writes tests/sample.c's cluster, with its history (reviews, a new finding,
 * resolved findings), to OUT.xlsx twice and checks the bytes are
 * identical (the second write also replaces an existing file), checks that a
 * write into a missing directory fails cleanly with a diagnostic, that a
 * failed rename leaves no temp file behind (OUT.xlsx.dir is made and
 * removed for that), and, when
 * EDGE.xlsx is given, writes a cluster of awkward input there (claims at
 * sentence edges, bad offsets, control characters, invalid UTF-8, a sentence
 * over the cell limit, NaN values, a finding citing 5 articles...). With
 * --big it writes a cluster past the workbook's caps instead: 300 sources
 * (the Matrix shows 250) and 10,200 claims (10,000 sentences highlighted).
 * Exits 0 when every check passes. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "sample.h"
#include "util.h"

/* Collects diagnostics; ud is an int counter. */
static void diag(void *ud, const char *msg)
{
    ++*(int *)ud;
    fprintf(stderr, "diag: %s\n", msg);
}

/* Writes cl to path; returns the file's bytes (caller frees) or NULL. */
static char *write_and_read(const cc_cluster *cl, const char *path, size_t *len)
{
    char *data = NULL;
    if (cc_report_write(cl, path) != CC_OK || cc_read_file(path, &data, len) != CC_OK)
        return NULL;
    return data;
}

/* Writes the sample twice (the second replaces the first) and compares the
 * bytes; returns the number of failures. */
static int test_sample(const char *path)
{
    cc_cluster *cl = cc_test_sample_cluster();
    if (cc_test_expect(cl != NULL, "sample cluster builds"))
        return 1;
    cc_test_sample_history(cl);
    size_t n1 = 0, n2 = 0;
    char *a = write_and_read(cl, path, &n1); /* a, b: owned here */
    char *b = write_and_read(cl, path, &n2);
    int failed = cc_test_expect(a && b, "sample written twice");
    failed += cc_test_expect(a && b && n1 == n2 && memcmp(a, b, n1) == 0,
                             "two writes are byte-identical");
    free(a);
    free(b);
    cc_cluster_free(cl);
    return failed;
}

/* A missing directory gives CC_ERROR_IO and one diagnostic; bad arguments
 * give CC_ERROR_IO without crashing. Returns the number of failures. */
static int test_errors(void)
{
    int n_diag = 0;
    cc_cluster *cl = cc_test_sample_cluster();
    cl->diag = diag;
    cl->diag_ud = &n_diag;
    cc_error err = cc_report_write(cl, "/nonexistent-claimcheck-dir/out.xlsx");
    int failed =
        cc_test_expect(err == CC_ERROR_IO && n_diag == 1, "missing directory: CC_ERROR_IO + diag");
    failed +=
        cc_test_expect(cc_report_write(NULL, "x.xlsx") == CC_ERROR_IO, "NULL cluster refused");
    failed += cc_test_expect(cc_report_write(cl, NULL) == CC_ERROR_IO, "NULL path refused");
    cc_cluster_free(cl);
    return failed;
}

/* Counts entries of dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

/* Writing over a directory fails at the final rename: CC_ERROR_IO, the
 * directory untouched and no temp file left. Returns the number of failures. */
static int test_rename_failure(const char *out)
{
    char *target = cc_strfmt("%s.dir", out); /* owned here */
    char *slash = strrchr(target, '/');
    char *dir = slash ? cc_strndup(target, (size_t)(slash - target)) : cc_strdup(".");
    const char *base = slash ? slash + 1 : target;
    char *prefix = cc_strfmt("%s.tmp", base);
    int n_diag = 0, failed = 0;
    cc_cluster *cl = cc_test_sample_cluster();
    cl->diag = diag;
    cl->diag_ud = &n_diag;
    if (mkdir(target, 0700) == 0 || errno == EEXIST) {
        cc_error err = cc_report_write(cl, target);
        struct stat st;
        failed +=
            cc_test_expect(err == CC_ERROR_IO && n_diag == 1, "rename failure: CC_ERROR_IO + diag");
        failed +=
            cc_test_expect(stat(target, &st) == 0 && S_ISDIR(st.st_mode), "target left untouched");
        failed += cc_test_expect(count_prefixed(dir, prefix) == 0, "no temp file left behind");
        rmdir(target);
    } else {
        failed += cc_test_expect(0, "cannot make a directory next to OUT");
    }
    cc_cluster_free(cl);
    free(prefix);
    free(dir);
    free(target);
    return failed;
}

/* Adds an article with body text (copied) and returns its index. */
static size_t edge_article(cc_cluster *cl, const char *id, const char *outlet, const char *url,
                           const char *body, size_t len)
{
    cc_article a = {0};
    a.id = cc_strdup(id);
    a.outlet = cc_strdup(outlet);
    a.url = cc_strdup(url);
    a.title = cc_strdup("-title starting with a minus");
    a.body = cc_strndup(body, len);
    a.body_len = len;
    a.published = CC_NO_DAY;
    if (!CC_VEC_PUSH(cl->articles, a))
        abort(); /* tests stop on out-of-memory */
    return cl->articles.n - 1;
}

/* Adds a claim at body[start:end) of article art with sentence [ss, se). */
static size_t edge_claim(cc_cluster *cl, size_t art, size_t start, size_t end, size_t ss, size_t se,
                         double value)
{
    cc_claim *c = cc_test_add_claim(cl, art, start, end);
    c->sent_start = ss;
    c->sent_end = se;
    c->key = cc_strdup("=edge/key");
    c->has_value = c->has_lo = c->has_hi = true;
    c->value = value;
    c->lo = -INFINITY;
    c->hi = INFINITY;
    return cl->claims.n - 1;
}

/* Adds a finding over claims[0:n) (copied) with no group. */
static void edge_finding(cc_cluster *cl, const char *id, cc_severity sev, const size_t *claims,
                         size_t n, const char *msg)
{
    cc_finding f = {0};
    f.id = cc_strdup(id);
    f.group = CC_NONE;
    f.category = CC_F_CONFLICT;
    f.severity = sev;
    f.claims = malloc((n + 1) * sizeof *f.claims);
    memcpy(f.claims, claims, n * sizeof *f.claims);
    f.n_claims = n;
    f.message = cc_strdup(msg);
    if (!CC_VEC_PUSH(cl->findings, f))
        abort(); /* tests stop on out-of-memory */
}

/* Returns a body of n bytes: 'x' filler with "42" in the middle; caller frees. */
static char *long_body(size_t n)
{
    char *s = malloc(n + 1);
    memset(s, 'x', n);
    memcpy(s + n / 2, "42", 2);
    s[n] = '\0';
    return s;
}

/* Adds the awkward claims and findings to the sample cluster. */
static void edge_fill(cc_cluster *cl)
{
    static const char odd[] = "12 at start\x01\x1b and _x0041_ \xff\xfe bad \xf0\x9f\x93\xb0 end 7";
    size_t a = edge_article(cl, "odd", "=cmd|'/c calc'!A1", "HTTPS://EXAMPLE.ORG/Upper", odd,
                            sizeof odd - 1);
    size_t b = edge_article(cl, "long", "@outlet", "http://bad url", "", 0);
    char *body = long_body(100000);
    free(cl->articles.v[b].body);
    cl->articles.v[b].body = body;
    cl->articles.v[b].body_len = 100000;
    size_t k[8];
    k[0] = edge_claim(cl, a, 0, 2, 0, 2, NAN);             /* claim is the sentence */
    k[1] = edge_claim(cl, a, 0, 2, 0, sizeof odd - 1, 12); /* at the start */
    k[2] = edge_claim(cl, a, sizeof odd - 2, sizeof odd - 1, 0, sizeof odd - 1, 7); /* end */
    k[3] = edge_claim(cl, a, 500, 900, 800, 9000, 1);      /* offsets out of range */
    k[4] = edge_claim(cl, a, 5, 5, 3, 3, 1);               /* empty claim, sentence */
    k[5] = edge_claim(cl, b, 50000, 50002, 0, 100000, 42); /* sentence > cell limit */
    k[6] = edge_claim(cl, b, 0, 100000, 0, 100000, 1);     /* claim > cell limit */
    k[7] = 999999;                                         /* invalid index */
    edge_finding(cl, "edge-all", CC_SEV_HIGH, k, 8, "=1+1 cites everything");
    size_t six[] = {0, 1, 4, k[0], k[5], 0};
    edge_finding(cl, "edge-six", (cc_severity)7, six, 6, "");
}

/* Writes the edge cluster to path; returns the number of failures. */
static int test_edge(const char *path)
{
    int n_diag = 0;
    cc_cluster *cl = cc_test_sample_cluster();
    cl->diag = diag;
    cl->diag_ud = &n_diag;
    edge_fill(cl);
    int failed =
        cc_test_expect(cc_report_write(cl, path) == CC_OK && n_diag == 0, "edge cluster written");
    cc_cluster_free(cl);
    return failed;
}

/* ---- a cluster past the caps ---------------------------------------------- */

#define BIG_ARTICLES 300u
#define BIG_CLAIMS 34u /* per article: 10,200 in all */

/* Adds big article i: BIG_CLAIMS sentences "Figure k is NNNN. ", one claim
 * on each number; stores the claims' indices in claims. */
static void big_article(cc_cluster *cl, size_t i, size_t claims[BIG_CLAIMS])
{
    cc_buf b = {0}; /* owned here */
    size_t ss[BIG_CLAIMS + 1], cs[BIG_CLAIMS];
    for (size_t k = 0; k < BIG_CLAIMS; k++) {
        ss[k] = b.len;
        cc_buf_printf(&b, "Figure %zu is ", k);
        cs[k] = b.len;
        cc_buf_printf(&b, "%zu. ", 1000 + (i + k) % 7);
    }
    ss[BIG_CLAIMS] = b.len;
    char id[32], outlet[32];
    snprintf(id, sizeof id, "src%03zu", i);
    snprintf(outlet, sizeof outlet, "Outlet %03zu", i);
    size_t a = edge_article(cl, id, outlet, NULL, b.p, b.len);
    for (size_t k = 0; k < BIG_CLAIMS; k++)
        claims[k] = edge_claim(cl, a, cs[k], cs[k] + 4, ss[k], ss[k + 1], 1000);
    cc_buf_free(&b);
}

/* Adds a group over claims[0:n) (copied), one claim per article. */
static size_t big_group(cc_cluster *cl, const char *id, const size_t *claims, size_t n,
                        cc_verdict v)
{
    cc_group g = {0};
    g.id = cc_strdup(id);
    g.key = cc_strdup(id);
    g.claims = malloc(n * sizeof *g.claims);
    g.articles = malloc(n * sizeof *g.articles);
    for (size_t i = 0; i < n; i++) {
        g.claims[i] = claims[i];
        g.articles[i] = cl->claims.v[claims[i]].article;
        cl->claims.v[claims[i]].group = cl->groups.n;
    }
    g.n_claims = g.n_articles = n;
    g.verdict = v;
    if (!CC_VEC_PUSH(cl->groups, g))
        abort(); /* tests stop on out-of-memory */
    return cl->groups.n - 1;
}

/* Builds the big cluster: claim 0 of every article agrees; claim 1 of
 * articles 50..299 conflicts (with a finding citing 4 of them), so those
 * 250 report the most facts and get the Matrix columns. */
static cc_cluster *big_cluster(void)
{
    cc_cluster *cl = cc_cluster_new(NULL, NULL, NULL);
    size_t *first = malloc(BIG_ARTICLES * sizeof *first); /* owned here */
    size_t *second = malloc(BIG_ARTICLES * sizeof *second);
    if (!cl || !first || !second)
        abort(); /* tests stop on out-of-memory */
    for (size_t i = 0; i < BIG_ARTICLES; i++) {
        size_t claims[BIG_CLAIMS];
        big_article(cl, i, claims);
        first[i] = claims[0];
        second[i] = claims[1];
    }
    big_group(cl, "big/agree", first, BIG_ARTICLES, CC_V_AGREE);
    size_t g = big_group(cl, "big/conflict", second + 50, BIG_ARTICLES - 50, CC_V_CONFLICT);
    edge_finding(cl, "big-conflict", CC_SEV_HIGH, second + 50, 4, "Figure 1 differs.");
    cl->findings.v[cl->findings.n - 1].group = g;
    free(first);
    free(second);
    return cl;
}

/* Writes the big cluster to path; returns the number of failures. */
static int test_big(const char *path)
{
    int n_diag = 0;
    cc_cluster *cl = big_cluster();
    cl->diag = diag;
    cl->diag_ud = &n_diag;
    int failed =
        cc_test_expect(cc_report_write(cl, path) == CC_OK && n_diag == 0, "big cluster written");
    cc_cluster_free(cl);
    return failed;
}

/* Runs the tests; see the file comment. */
int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--big") == 0) {
        int failed = test_big(argv[2]);
        printf("test_report: %s\n", failed ? "FAILED" : "all passed");
        return failed ? 1 : 0;
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s OUT.xlsx [EDGE.xlsx] | --big BIG.xlsx\n", argv[0]);
        return 2;
    }
    int failures = test_sample(argv[1]) + test_errors() + test_rename_failure(argv[1]);
    if (argc == 3)
        failures += test_edge(argv[2]);
    printf("test_report: %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
