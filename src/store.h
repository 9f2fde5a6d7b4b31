/* store.h: stage 6. Persists a judged cluster in SQLite (internal). */
#ifndef CC_STORE_H
#define CC_STORE_H

#include "model.h"

/* Writes the cluster's articles, claims, groups and findings to the SQLite
 * database at path (created if missing, schema per docs/schema.md) in one
 * transaction, and records the run. Errors are reported through the
 * cluster's diag. */
cc_error cc_store_write(const cc_cluster *cl, const char *path);

/* Adds the articles stored in the database at path to cl, marked
 * from_store (a missing or empty database adds nothing). */
cc_error cc_store_load_articles(cc_cluster *cl, const char *path);

/* After judging: applies the editors' stored reviews to cl's findings and
 * works out what changed. last_run = false (a check run): findings not in
 * the database are new and stored ones that are gone are resolved;
 * last_run = true (rebuilding a report): the changes the last run
 * recorded. Sets cl->has_history when there is an earlier run. */
cc_error cc_store_read_history(cc_cluster *cl, const char *path, bool last_run);

/* Records an editor's verdict on a stored finding: status is open,
 * confirmed, dismissed or needs_reporting; note may be NULL. Diagnostics
 * go to cl's diag. CC_ERROR_INPUT if there is no such finding. */
cc_error cc_store_review(const cc_cluster *cl, const char *path, const char *finding,
                         const char *status, const char *note);

#endif
