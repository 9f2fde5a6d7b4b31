/* extract.h: stage 2. Finds and normalizes the claims of one article
 * (internal). */
#ifndef CC_EXTRACT_H
#define CC_EXTRACT_H

#include "model.h"

typedef struct cc_extractor cc_extractor;

/* Prepares match state for rules (borrowed). Caller frees with
 * cc_extractor_free. */
cc_extractor *cc_extractor_new(const cc_rules *rules);
void cc_extractor_free(cc_extractor *ex);

/* Scans article ai of cl once and appends its claims to cl->claims (dates
 * resolved against its publication day when known) and its capitalised
 * forms to cl->names when that index exists. */
cc_error cc_extract_article(cc_extractor *ex, cc_cluster *cl, size_t ai);

/* Re-resolves the date claims of article ai after its publication day
 * changed (cluster dating). */
cc_error cc_extract_redate(cc_cluster *cl, size_t ai);

#endif
