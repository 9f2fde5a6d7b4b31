/* output.h: text writers over a judged cluster: NDJSON records, the golden
 * fixture form and the terminal summary (internal). */
#ifndef CC_OUTPUT_H
#define CC_OUTPUT_H

#include <stdio.h>

#include "model.h"
#include "util.h"

/* Appends one NDJSON record for article ai / claim ci to b (the caller
 * owns b and hands it to stdio with cc_json_spill). */
void cc_json_article(const cc_cluster *cl, size_t ai, cc_buf *b);
void cc_json_claim(const cc_cluster *cl, size_t ci, cc_buf *b);
/* Hands b's records to out (one fwrite, b emptied) once b holds 64 KiB,
 * when b ran out of memory, or when last. False once b ran out of memory
 * (its records are lost); write errors are left to ferror(out). */
bool cc_json_spill(cc_buf *b, FILE *out, bool last);
/* A source's display name: outlet, else article id. */
const char *cc_source_name(const cc_article *a);
/* A judged cluster's counts: groups by verdict, findings by severity and
 * by category, and findings new since the last run. Values out of range
 * are left out. Filled by cc_tally_count into caller storage. */
typedef struct cc_tally {
    size_t verdicts[CC_V_MAX], severities[CC_SEV_MAX], categories[CC_F_MAX], fresh;
} cc_tally;
void cc_tally_count(const cc_cluster *cl, cc_tally *t);
/* True when an editor has dismissed f: it stays out of the top findings
 * of the terminal summary and of the workbook's Summary. */
bool cc_finding_dismissed(const cc_finding *f);

#endif
