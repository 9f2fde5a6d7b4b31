/* ingest.h: stage 1. Reads cluster directories, article files and NDJSON
 * into cc_article records with sanitized bodies (internal). */
#ifndef CC_INGEST_H
#define CC_INGEST_H

#include "model.h"
#include "util.h"

struct json_t;

/* Receives one article. The sink takes ownership of the article's strings
 * (it must keep them or call cc_article_clear). Returning non-CC_OK stops
 * ingest with that error. */
typedef cc_error (*cc_article_sink)(void *ud, cc_article *art);

/* Reads path: a directory (its *.txt and *.md files in byte order of name),
 * a text article, an NDJSON file (*.ndjson, *.jsonl) or "-" (NDJSON on
 * stdin). Streams: one article is in memory at a time. Problems are reported
 * through diag as "path: ..." or "path:line: ..."; a rejected article is
 * skipped and the call returns CC_ERROR_INPUT after reading everything else. */
cc_error cc_ingest_path(const char *path, cc_article_sink sink, void *ud, cc_diag_fn diag,
                        void *dud);

/* Builds one article from raw bytes (front matter, header date line,
 * sanitizing). id and path are copied. Returns CC_ERROR_INPUT (with a
 * diagnostic) for unusable text such as an empty body. */
cc_error cc_ingest_text(const char *id, const char *path, const char *raw, size_t len,
                        cc_article *out, cc_diag_fn diag, void *dud);

/* Frees an article's strings and zeroes it. */
void cc_article_clear(cc_article *a);

/* How one field of an NDJSON record reads: absent, null, a string (s[0:len),
 * NUL-terminated, may hold NULs when the JSON said \u0000), an integer (i)
 * or any other JSON value. */
typedef enum cc_nd_kind {
    CC_ND_ABSENT,
    CC_ND_NULL,
    CC_ND_STRING,
    CC_ND_INTEGER,
    CC_ND_OTHER
} cc_nd_kind;
typedef struct cc_nd_value {
    cc_nd_kind kind;
    const char *s;
    size_t len;
    long long i;
} cc_nd_value;
/* The fields ingest reads from one NDJSON record. The strings belong to
 * whoever parsed the line (cc_ndjson_fast's arena or a jansson object). */
typedef struct cc_nd_record {
    bool object;
    cc_nd_value id, text, title, outlet, url, published;
} cc_nd_record;

/* Reads the line line[0:n) when it is the common shape: one flat object
 * whose values are strings, null, true, false or integers of at most 18
 * digits, with unique keys and no control characters. Strings are decoded
 * into arena (the caller owns it; reused line to line). False, with rec
 * unspecified, for anything else: the caller then asks jansson, which
 * reads every line this accepts the same way (test_ingest checks). */
bool cc_ndjson_fast(const char *line, size_t n, cc_buf *arena, cc_nd_record *rec);
/* Fills rec from a parsed jansson value (obj may be NULL or no object);
 * rec's strings point into obj. */
void cc_ndjson_from_jansson(const struct json_t *obj, cc_nd_record *rec);

#endif
