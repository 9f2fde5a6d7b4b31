/* fuzz_number.c: libFuzzer target for the number and quantity parser.
 * Short inputs (one sentence or so) go through ingest and extract only,
 * with one extractor reused as the CLI does, and every claim must keep the
 * invariants below; a violation aborts with the claim. Build: cmake
 * -DCC_FUZZ=ON with clang; run:
 *   build-fuzz/fuzz/fuzz_number -dict=fuzz/number.dict -max_total_time=60 \
 *       NEW_DIR fuzz/corpus-number */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "claimcheck.h"
#include "extract.h"
#include "ingest.h"
#include "model.h"
#include "output.h"
#include "timex.h"
#include "util.h"

#ifndef CC_FUZZ_RULES
#define CC_FUZZ_RULES "claims"
#endif

/* Longer inputs are the whole-pipeline target's job (fuzz_check); -max_len
 * picks the size within this. */
#define MAX_INPUT 4096

static cc_rules *rules;
static cc_extractor *ex;
static FILE *devnull;
static int32_t fixed_day; /* publication day of inputs without one */

/* Loads the rule files and makes the extractor once. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    rules = cc_rules_load(CC_FUZZ_RULES, NULL, NULL);
    ex = rules ? cc_extractor_new(rules) : NULL;
    devnull = fopen("/dev/null", "w");
    fixed_day = cc_day_parse_iso("2024-03-21");
    return ex && devnull ? 0 : 1;
}

/* Reports a broken invariant of claim c and aborts (the fuzzer's crash). */
static void fail(const cc_article *a, const cc_claim *c, const char *what)
{
    bool inside = c->start <= c->end && c->end <= a->body_len;
    fprintf(stderr, "fuzz_number: %s: claim [%zu,%zu) of %zu bytes \"%.*s\" value=%g lo=%g hi=%g\n",
            what, c->start, c->end, a->body_len, inside ? (int)(c->end - c->start) : 0,
            inside ? a->body + c->start : "", c->value, c->lo, c->hi);
    abort();
}

/* True when byte i of the body starts a UTF-8 character (or is the end). */
static bool char_start(const cc_article *a, size_t i)
{
    return i >= a->body_len || ((unsigned char)a->body[i] & 0xC0) != 0x80;
}

/* The span invariants: inside the body, on character boundaries, inside
 * the claim's sentence. */
static void check_span(const cc_article *a, const cc_claim *c)
{
    if (c->start >= c->end || c->end > a->body_len)
        fail(a, c, "span outside the body or empty");
    if (!char_start(a, c->start) || !char_start(a, c->end))
        fail(a, c, "span splits a UTF-8 character");
    if (c->sent_start > c->start || c->sent_end < c->end || c->sent_end > a->body_len)
        fail(a, c, "claim outside its sentence");
}

/* The number invariants: finite, lo <= value <= hi where set, a key and
 * an id, a change role exactly when a change. */
static void check_numbers(const cc_article *a, const cc_claim *c)
{
    if ((c->has_value && !isfinite(c->value)) || (c->has_lo && !isfinite(c->lo)) ||
        (c->has_hi && !isfinite(c->hi)))
        fail(a, c, "number not finite");
    if (c->has_lo && c->has_hi && c->lo > c->hi)
        fail(a, c, "lo > hi");
    if (c->has_value && ((c->has_lo && c->lo > c->value) || (c->has_hi && c->value > c->hi)))
        fail(a, c, "value outside [lo, hi]");
    if (!c->id || !c->key)
        fail(a, c, "claim without id or key");
    if ((c->change == CC_CHANGE_NONE) != (c->change_role == CC_ROLE_NONE) ||
        c->change >= CC_CHANGE_MAX || c->change_role >= CC_ROLE_MAX)
        fail(a, c, "change and change role disagree");
}

/* One input: a short text article (published on a fixed day so dates
 * resolve) through extraction, then every claim checked and written. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    cc_cluster *cl = cc_cluster_new(rules, NULL, NULL);
    cc_article a = {0};
    if (!cl || cc_ingest_text("n", "fuzz", (const char *)data, size, &a, NULL, NULL) != CC_OK) {
        cc_cluster_free(cl);
        return 0;
    }
    if (a.published == CC_NO_DAY)
        a.published = fixed_day;
    if (!CC_VEC_PUSH(cl->articles, a)) {
        cc_article_clear(&a);
        cc_cluster_free(cl);
        return 0;
    }
    if (cc_extract_article(ex, cl, 0) == CC_OK) {
        cc_buf json = {0}; /* owned here */
        for (size_t i = 0; i < cl->claims.n; i++) {
            check_span(&cl->articles.v[0], &cl->claims.v[i]);
            check_numbers(&cl->articles.v[0], &cl->claims.v[i]);
            cc_json_claim(cl, i, &json);
            cc_buf_write(&json, devnull);
        }
        cc_buf_free(&json);
    }
    cc_cluster_free(cl);
    return 0;
}
