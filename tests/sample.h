/* sample.h: a small hand-built judged cluster for unit tests of the
 * writers (store, report) that must not depend on extraction quality. */
#ifndef CC_TEST_SAMPLE_H
#define CC_TEST_SAMPLE_H

#include "model.h"

/* Returns a cluster with 3 articles, 6 claims, 3 groups and 4 findings,
 * including formula-like and non-ASCII text. rules is NULL in it (kind
 * lookups fall back to the generic kind). Free with cc_cluster_free. */
cc_cluster *cc_test_sample_cluster(void);

/* Gives the sample a previous run (the desk workflow): editor reviews on
 * three findings (confirmed, dismissed with a formula-like note, an unknown
 * value), f-hostages marked new, and two resolved findings. */
void cc_test_sample_history(cc_cluster *cl);

/* Adds a claim over body[start:end) of article art with id "ARTICLE@START",
 * no value, day or group, and counts it in the article; returns it for the
 * caller to fill in (valid until the next claim is added). */
cc_claim *cc_test_add_claim(cc_cluster *cl, size_t art, size_t start, size_t end);

/* Prints one expectation as "ok: what" or "FAIL: what"; returns 1 when
 * it failed, for the caller to sum. */
int cc_test_expect(int ok, const char *what);

#endif
