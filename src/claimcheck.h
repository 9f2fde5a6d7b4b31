/* claimcheck.h: the public library interface.
 *
 * A cc_cluster holds the articles of one story cluster and everything derived
 * from them. Use: cc_rules_load -> cc_cluster_new -> cc_cluster_add_path (any
 * number) -> cc_cluster_analyze -> the writers. Handles are opaque; every
 * _new/_load result is freed with the matching _free function, which accepts NULL
 * and half-built objects. */
#ifndef CLAIMCHECK_H
#define CLAIMCHECK_H

#include <stddef.h>
#include <stdio.h>

#define CC_VERSION "0.1.0"

typedef struct cc_rules cc_rules;
typedef struct cc_cluster cc_cluster;

typedef enum cc_error {
    CC_OK = 0,
    CC_ERROR_MEMORY, /* allocation failed */
    CC_ERROR_IO,     /* a file could not be read or written */
    CC_ERROR_INPUT,  /* an input article was rejected (others still processed) */
    CC_ERROR_RULES,  /* a claims/ rule file is invalid */
    CC_ERROR_REGEX,  /* a rule pattern failed to compile or match */
    CC_ERROR_DB,     /* SQLite reported an error */
    CC_ERROR_XLSX,   /* libxlsxwriter reported an error */
    CC_ERROR_EMPTY,  /* no usable article */
    CC_ERROR_MAX
} cc_error;

/* Returns a static description of err. */
const char *cc_strerror(cc_error err);

/* Receives one human-readable diagnostic ("file:line: message"). */
typedef void (*cc_diag_fn)(void *ud, const char *msg);

/* Loads every *.rules file in dir. On failure returns NULL and reports
 * "file:line: message" through diag. Caller frees with cc_rules_free. */
cc_rules *cc_rules_load(const char *dir, cc_diag_fn diag, void *ud);
/* The same, keeping the costly part of loading (compiled rules, the words
 * each may start with) in a file under cache_dir, created if missing, and
 * reading it back while the rule files, PCRE2 and this program are
 * unchanged. NULL or "" cache_dir: no cache. A damaged or stale cache file
 * is ignored. */
cc_rules *cc_rules_load_cached(const char *dir, const char *cache_dir, cc_diag_fn diag, void *ud);
void cc_rules_free(cc_rules *rules);
/* Writes the loaded kinds, lists and rules as a short listing. */
void cc_rules_describe(const cc_rules *rules, FILE *out);

/* Creates an empty cluster that borrows rules (keep rules alive longer). */
cc_cluster *cc_cluster_new(const cc_rules *rules, cc_diag_fn diag, void *ud);
void cc_cluster_free(cc_cluster *cl);

/* Adds a directory, article file, NDJSON file or "-" (NDJSON on stdin).
 * Returns CC_ERROR_INPUT if anything was rejected; good articles are kept. */
cc_error cc_cluster_add_path(cc_cluster *cl, const char *path);

/* Adds the articles an earlier run stored in the database at db_path (a
 * missing database adds nothing). A later cc_cluster_add_path article with
 * the same id replaces the stored one. */
cc_error cc_cluster_add_db(cc_cluster *cl, const char *db_path);

/* Extract, date, align and judge. Call once after all articles are added. */
cc_error cc_cluster_analyze(cc_cluster *cl);

/* After analyze: applies the editors' reviews stored in db_path and marks
 * what changed since the last run (new and resolved findings). With
 * CC_HISTORY_LAST_RUN the changes are the ones the last run recorded
 * (rebuilding its report) instead of a comparison with it. */
#define CC_HISTORY_LAST_RUN 1u
cc_error cc_cluster_read_history(cc_cluster *cl, const char *db_path, unsigned flags);

/* Records an editor's verdict on finding id in db_path: status is open,
 * confirmed, dismissed or needs_reporting; note may be NULL. It sticks
 * across later runs. CC_ERROR_INPUT for an unknown finding. */
cc_error cc_review_set(const char *db_path, const char *finding, const char *status,
                       const char *note, cc_diag_fn diag, void *ud);

/* Writers. flags for write_json: CC_JSON_CLAIMS_ONLY omits groups/findings. */
#define CC_JSON_CLAIMS_ONLY 1u
cc_error cc_cluster_write_json(const cc_cluster *cl, FILE *out, unsigned flags);
cc_error cc_cluster_write_golden(const cc_cluster *cl, FILE *out);
void cc_cluster_write_summary(const cc_cluster *cl, FILE *out);
/* One line per finding: id, severity, category, editor status, message. */
void cc_cluster_write_findings(const cc_cluster *cl, FILE *out);
cc_error cc_cluster_store(const cc_cluster *cl, const char *db_path);
cc_error cc_cluster_report(const cc_cluster *cl, const char *xlsx_path);

/* Streams paths through ingest+extract only, writing article and claim
 * records as NDJSON one article at a time (memory stays flat). */
cc_error cc_extract_stream(const cc_rules *rules, const char *const *paths, size_t n_paths,
                           FILE *out, cc_diag_fn diag, void *ud);

#endif
