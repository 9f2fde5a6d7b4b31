/* align.h: stage 3. Puts undated articles on the cluster's calendar, then
 * groups claims that speak about the same fact (internal). */
#ifndef CC_ALIGN_H
#define CC_ALIGN_H

#include "model.h"

/* Dates undated articles from the cluster, re-resolves their dates, then
 * fills cl->groups (claims indexed by key; no all-pairs pass) including
 * name-spelling groups, and sets each claim's group. */
cc_error cc_align(cc_cluster *cl);

#endif
