/* fuzz_check.c: libFuzzer target. Feeds arbitrary bytes through the whole
 * pipeline (ingest as a text article, extract, align, judge, golden
 * output). Build: cmake -DCC_FUZZ=ON with clang; run:
 *   build-fuzz/fuzz/fuzz_check -max_total_time=60 fuzz/corpus */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "claimcheck.h"
#include "ingest.h"
#include "model.h"
#include "util.h"

#ifndef CC_FUZZ_RULES
#define CC_FUZZ_RULES "claims"
#endif

static cc_rules *rules;

/* Loads the rule files once. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    rules = cc_rules_load(CC_FUZZ_RULES, NULL, NULL);
    return rules ? 0 : 1;
}

/* One input: a single text article, plus itself again as a second report
 * so alignment and judging have something to compare. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_cluster *cl = cc_cluster_new(rules, NULL, NULL);
    for (int i = 0; cl && i < 2; i++) {
        cc_article a = {0};
        if (cc_ingest_text(i ? "b" : "a", "fuzz", (const char *)data, size, &a, NULL, NULL) !=
            CC_OK)
            break;
        if (!CC_VEC_PUSH(cl->articles, a))
            cc_article_clear(&a);
    }
    if (cl && cl->articles.n && cc_cluster_analyze(cl) == CC_OK) {
        FILE *null = fopen("/dev/null", "w");
        cc_cluster_write_golden(cl, null);
        cc_cluster_write_json(cl, null, 0);
        fclose(null);
    }
    cc_cluster_free(cl);
    return 0;
}
