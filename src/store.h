/* store.h: stage 6. Persists a judged cluster in SQLite (internal). */
#ifndef CC_STORE_H
#define CC_STORE_H

#include "model.h"

/* Writes the cluster's articles, claims, groups and findings to the SQLite
 * database at path (created if missing, schema per docs/schema.md) in one
 * transaction, and records the run. Errors are reported through the
 * cluster's diag. */
cc_error cc_store_write(const cc_cluster *cl, const char *path);

#endif
