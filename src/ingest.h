/* ingest.h: stage 1. Reads cluster directories, article files and NDJSON
 * into cc_article records with sanitized bodies (internal). */
#ifndef CC_INGEST_H
#define CC_INGEST_H

#include "model.h"

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

#endif
