/* test_extract.c: runs the table of extraction cases in cases/extract.txt
 * (phrase [+ publication day] -> first claim [+ every claim's change]) or,
 * with --timex, in cases/timex.txt (phrase + publication day -> the first
 * temporal claims as "CLASS TIMEX3 «span» | ...").
 * Usage: test_extract RULES CASES [--timex] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "rules.h"
#include "timex.h"
#include "util.h"

/* Prints diagnostics. */
static void diag(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "%s\n", msg);
}

/* Appends a number or "-" to b. */
static void num(cc_buf *b, bool has, double v)
{
    if (has)
        cc_buf_printf(b, "%.10g", v);
    else
        cc_buf_puts(b, "-");
}

static bool timex_mode;

/* True for a claim of a bare reference word ("now": PRESENT_REF); the
 * number cases leave those to the time cases. */
static bool is_ref(const cc_claim *c)
{
    size_t n = c->timex ? strlen(c->timex) : 0;
    return n > 4 && strcmp(c->timex + n - 4, "_REF") == 0;
}

/* Appends every temporal claim to b as "CLASS TIMEX3 «span»", joined by
 * " | ", or "none"; a case's EXPECTED may name only the first ones. */
static void describe_timex(cc_buf *b, const cc_cluster *cl)
{
    size_t start = b->len;
    for (size_t i = 0; i < cl->claims.n; i++) {
        const cc_claim *c = &cl->claims.v[i];
        const char *body = cl->articles.v[c->article].body;
        if (c->cls == CC_CLASS_DATE || c->cls == CC_CLASS_TIME || c->cls == CC_CLASS_DURATION ||
            c->cls == CC_CLASS_SET)
            cc_buf_printf(b, "%s%s %s «%.*s»", b->len > start ? " | " : "", cc_class_name(c->cls),
                          c->timex ? c->timex : "-", (int)(c->end - c->start), body + c->start);
    }
    if (b->len == start)
        cc_buf_puts(b, "none");
}

/* True when got is want, or (time cases) want followed by more claims. */
static bool matches(const char *got, const char *want)
{
    size_t n = strlen(want);
    return strcmp(got, want) == 0 ||
           (timex_mode && strncmp(got, want, n) == 0 && strncmp(got + n, " | ", 3) == 0);
}

/* Index of the claim a case describes: the first that is no bare
 * reference word; claims.n for none. */
static size_t first_claim(const cc_cluster *cl)
{
    size_t i = 0;
    while (i < cl->claims.n && is_ref(&cl->claims.v[i]))
        i++;
    return i;
}

/* Appends claim c to b like the EXPECTED column: "class kind value
 * [lo,hi] qualifier unit=U timex=T". */
static void describe_claim(cc_buf *b, const cc_rules *r, const cc_claim *c)
{
    cc_buf_printf(b, "%s %s ", cc_class_name(c->cls), cc_kind_name(r, c->kind));
    num(b, c->has_value, c->value);
    cc_buf_puts(b, " [");
    num(b, c->has_lo, c->lo);
    cc_buf_puts(b, ",");
    num(b, c->has_hi, c->hi);
    cc_buf_printf(b, "] %s unit=%s timex=%s", cc_qualifier_name(c->qual), c->unit ? c->unit : "-",
                  c->timex ? c->timex : "-");
}

/* Appends the first claim of the cluster to b like the EXPECTED column. */
static void describe(cc_buf *b, const cc_cluster *cl)
{
    if (timex_mode) {
        describe_timex(b, cl);
        return;
    }
    size_t i = first_claim(cl);
    if (i == cl->claims.n) {
        cc_buf_puts(b, "none");
        return;
    }
    describe_claim(b, cl->rules, &cl->claims.v[i]);
}

/* Appends every claim's stated change to b as " change=LIST": per claim
 * in order "DIR:ROLE" ("up:by") or "-" for none. */
static void changes(cc_buf *b, const cc_cluster *cl)
{
    cc_buf_puts(b, " change=");
    for (size_t i = 0; i < cl->claims.n; i++) {
        const cc_claim *c = &cl->claims.v[i];
        if (i)
            cc_buf_putc(b, ',');
        if (c->change == CC_CHANGE_NONE)
            cc_buf_puts(b, "-");
        else
            cc_buf_printf(b, "%s:%s", cc_change_name(c->change),
                          cc_change_role_name(c->change_role));
    }
}

/* Appends " source=X" for the described claim's source ("-" for none). */
static void source(cc_buf *b, const cc_cluster *cl)
{
    size_t i = first_claim(cl);
    const char *src = i < cl->claims.n ? cl->claims.v[i].attribution : NULL;
    cc_buf_printf(b, " source=%s", src ? src : "-");
}

/* A one-article cluster of text (published on day, or CC_NO_DAY),
 * extracted; NULL when extraction failed. Caller frees. */
static cc_cluster *extract_text(const cc_rules *r, cc_extractor *ex, const char *text, int32_t day)
{
    cc_cluster *cl = cc_cluster_new(r, diag, NULL);
    cc_article a = {0};
    a.id = cc_strdup("case");
    a.path = cc_strdup("case");
    a.body = cc_strdup(text);
    a.body_len = strlen(text);
    a.published = day;
    a.published_from = day == CC_NO_DAY ? CC_PUB_NONE : CC_PUB_METADATA;
    CC_VEC_PUSH(cl->articles, a);
    if (cc_extract_article(ex, cl, 0) == CC_OK)
        return cl;
    cc_cluster_free(cl);
    return NULL;
}

/* Extracts text (published on day, or CC_NO_DAY) and describes it; the
 * description ends in the claims' changes with want_change, then in the
 * claim's source with want_source. The caller frees the description. */
static char *run_case(const cc_rules *r, cc_extractor *ex, const char *text, int32_t day,
                      bool want_change, bool want_source)
{
    cc_cluster *cl = extract_text(r, ex, text, day);
    cc_buf got = {0};
    if (!cl) {
        cc_buf_puts(&got, "error");
    } else {
        describe(&got, cl);
        if (want_change)
            changes(&got, cl);
        if (want_source)
            source(&got, cl);
    }
    cc_cluster_free(cl);
    return cc_buf_take(&got);
}

/* Runs every case line; returns the number of failures. */
static int run_file(const cc_rules *r, FILE *f, int *passed)
{
    cc_extractor *ex = cc_extractor_new(r);
    char *line = NULL;
    size_t cap = 0;
    int failed = 0, lineno = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        int32_t day = line[0] == '@' ? cc_day_parse_iso(line + 1) : CC_NO_DAY;
        const char *text = line[0] == '@' ? line + 12 : line;
        char *got = run_case(r, ex, text, day, strstr(tab + 1, " change=") != NULL,
                             strstr(tab + 1, " source=") != NULL);
        if (!matches(got, tab + 1)) {
            printf("FAIL line %d: %s\n  want: %s\n  got:  %s\n", lineno, text, tab + 1, got);
            failed++;
        } else {
            (*passed)++;
        }
        free(got);
    }
    free(line);
    cc_extractor_free(ex);
    return failed;
}

/* Every claim of text as one line each (its span, describe_claim and its
 * source); "error" when extraction failed.
 * Caller frees. */
static char *all_claims(const cc_rules *r, cc_extractor *ex, const char *text, int32_t day)
{
    cc_cluster *cl = extract_text(r, ex, text, day);
    cc_buf b = {0};
    for (size_t i = 0; cl && i < cl->claims.n; i++) {
        const cc_claim *c = &cl->claims.v[i];
        cc_buf_printf(&b, "%zu-%zu ", c->start, c->end);
        describe_claim(&b, r, c);
        cc_buf_printf(&b, " source=%s\n", c->attribution ? c->attribution : "-");
    }
    if (!cl)
        cc_buf_puts(&b, "error");
    cc_cluster_free(cl);
    return cc_buf_take(&b);
}

/* The follow and digit masks only skip tries that cannot match: every
 * case text must give the same claims with all masks open. Returns the
 * number of texts that differ. */
static int check_masks(const char *dir, const cc_rules *r, FILE *f)
{
    cc_rules *open = cc_rules_load(dir, diag, NULL);
    cc_extractor *ex = open ? cc_extractor_new(r) : NULL, *ex_open = NULL;
    if (open) {
        cc_rules_open_masks(open);
        ex_open = cc_extractor_new(open);
    }
    char *line = NULL;
    size_t cap = 0;
    int differ = ex && ex_open ? 0 : 1;
    while (!differ && getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\t\n")] = '\0';
        int32_t day = line[0] == '@' ? cc_day_parse_iso(line + 1) : CC_NO_DAY;
        const char *text = line[0] == '@' ? line + 12 : line;
        char *with = line[0] == '#' ? NULL : all_claims(r, ex, text, day);
        char *without = with ? all_claims(open, ex_open, text, day) : NULL;
        if (with && strcmp(with, without) != 0) {
            printf("FAIL masks: %s\n  with masks:\n%s  all open:\n%s", text, with, without);
            differ++;
        }
        free(with);
        free(without);
    }
    free(line);
    cc_extractor_free(ex);
    cc_extractor_free(ex_open);
    cc_rules_free(open);
    return differ;
}

/* Entry point: test_extract RULES_DIR CASES_FILE. */
int main(int argc, char **argv)
{
    timex_mode = argc == 4 && strcmp(argv[3], "--timex") == 0;
    if (argc != 3 && !timex_mode)
        return fprintf(stderr, "usage: test_extract RULES_DIR CASES [--timex]\n"), 2;
    cc_rules *r = cc_rules_load(argv[1], diag, NULL);
    FILE *f = fopen(argv[2], "r");
    if (!r || !f)
        return fprintf(stderr, "cannot load %s or %s\n", argv[1], argv[2]), 2;
    int passed = 0, failed = run_file(r, f, &passed);
    rewind(f);
    failed += check_masks(argv[1], r, f);
    fclose(f);
    cc_rules_free(r);
    printf("extract: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
