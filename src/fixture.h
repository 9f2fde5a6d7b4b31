/* fixture.h: the regression runner behind `claimcheck test` (internal). */
#ifndef CC_FIXTURE_H
#define CC_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "claimcheck.h"

/* Runs every fixture under dir: each subdirectory with a cluster/ folder
 * is analyzed and its golden output compared with expected.txt (a unified
 * diff is printed on mismatch; --update rewrites expected.txt). dir may
 * itself be one fixture. Sets *failed; returns CC_OK or an I/O error. */
cc_error cc_fixtures_run(const cc_rules *rules, const char *dir, bool update, FILE *out,
                         size_t *passed, size_t *failed);

/* Prints a unified diff of texts a and b (labels la, lb) to out. */
void cc_diff_print(FILE *out, const char *la, const char *a, const char *lb, const char *b);

#endif
