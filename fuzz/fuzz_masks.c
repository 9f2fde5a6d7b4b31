/* fuzz_masks.c: libFuzzer target. The loader's follow and digit masks
 * (rules.h) only skip rule tries that cannot match, so extracting any
 * text with them and with every mask open must give the same claims;
 * aborts where they differ. Build: cmake -DCC_FUZZ=ON with clang; run:
 *   build-fuzz/fuzz/fuzz_masks -max_total_time=60 fuzz/corpus */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "ingest.h"
#include "model.h"
#include "rules.h"

#ifndef CC_FUZZ_RULES
#define CC_FUZZ_RULES "claims"
#endif

static cc_rules *rules, *open_rules;
static cc_extractor *ex, *ex_open;

/* Loads the rule files twice, the second copy with its masks open. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    rules = cc_rules_load(CC_FUZZ_RULES, NULL, NULL);
    open_rules = cc_rules_load(CC_FUZZ_RULES, NULL, NULL);
    if (!rules || !open_rules)
        return 1;
    cc_rules_open_masks(open_rules);
    ex = cc_extractor_new(rules);
    ex_open = cc_extractor_new(open_rules);
    return ex && ex_open ? 0 : 1;
}

/* The input as one text article of a new cluster under rules r, extracted
 * by e; NULL when it is no article. Caller frees. */
static cc_cluster *extract_input(cc_rules *r, cc_extractor *e, const uint8_t *data, size_t size)
{
    cc_cluster *cl = cc_cluster_new(r, NULL, NULL);
    cc_article a = {0};
    if (!cl || cc_ingest_text("a", "fuzz", (const char *)data, size, &a, NULL, NULL) != CC_OK ||
        !CC_VEC_PUSH(cl->articles, a)) {
        cc_article_clear(&a);
        cc_cluster_free(cl);
        return NULL;
    }
    if (cc_extract_article(e, cl, 0) != CC_OK)
        cl->claims.n = 0; /* a limit hit: nothing to compare */
    return cl;
}

/* Whether two claims read the same span the same way. */
static int same_claim(const cc_claim *x, const cc_claim *y)
{
    return x->start == y->start && x->end == y->end && x->cls == y->cls && x->kind == y->kind &&
           x->has_value == y->has_value && (!x->has_value || x->value == y->value) &&
           !strcmp(x->timex ? x->timex : "", y->timex ? y->timex : "");
}

/* One input: the claims with masks and with all masks open must agree. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_cluster *a = extract_input(rules, ex, data, size);
    cc_cluster *b = a ? extract_input(open_rules, ex_open, data, size) : NULL;
    if (a && b && a->claims.n != b->claims.n)
        abort();
    for (size_t i = 0; a && b && i < a->claims.n; i++)
        if (!same_claim(&a->claims.v[i], &b->claims.v[i]))
            abort();
    cc_cluster_free(a);
    cc_cluster_free(b);
    return 0;
}
