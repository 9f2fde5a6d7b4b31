/* cluster.c: the cluster handle and the public API that drives the stages
 * (ingest -> extract -> align -> judge -> store/report). */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "extract.h"
#include "ingest.h"
#include "judge.h"
#include "model.h"
#include "names.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "util.h"

/* Creates an empty cluster; caller frees with cc_cluster_free. */
cc_cluster *cc_cluster_new(const cc_rules *rules, cc_diag_fn diag, void *ud)
{
    cc_cluster *cl = calloc(1, sizeof *cl);
    if (!cl)
        return NULL;
    cl->rules = rules;
    cl->diag = diag;
    cl->diag_ud = ud;
    return cl;
}

/* Frees a resolved record's strings and zeroes it (see model.h). */
void cc_resolved_clear(cc_resolved *r)
{
    free(r->id);
    free(r->category);
    free(r->severity);
    free(r->message);
    memset(r, 0, sizeof *r);
}

/* Frees one claim's strings unless an arena owns them (see model.h). */
void cc_claim_clear(cc_claim *c)
{
    if (c->strings)
        return; /* the arena's until its reset */
    free(c->id);
    free(c->key);
    free(c->unit);
    free(c->timex);
    free(c->event);
    free(c->place);
    free(c->attribution);
    free(c->context);
}

/* Frees everything the cluster owns; accepts NULL and partial clusters. */
void cc_cluster_free(cc_cluster *cl)
{
    if (!cl)
        return;
    for (size_t i = 0; i < cl->articles.n; i++)
        cc_article_clear(&cl->articles.v[i]);
    for (size_t i = 0; i < cl->claims.n; i++)
        cc_claim_clear(&cl->claims.v[i]);
    for (size_t i = 0; i < cl->groups.n; i++) {
        free(cl->groups.v[i].id);
        free(cl->groups.v[i].key);
        free(cl->groups.v[i].claims);
        free(cl->groups.v[i].articles);
    }
    for (size_t i = 0; i < cl->findings.n; i++) {
        free(cl->findings.v[i].id);
        free(cl->findings.v[i].claims);
        free(cl->findings.v[i].message);
        free(cl->findings.v[i].review);
        free(cl->findings.v[i].review_note);
    }
    for (size_t i = 0; i < cl->resolved.n; i++)
        cc_resolved_clear(&cl->resolved.v[i]);
    free(cl->resolved.v);
    free(cl->articles.v);
    free(cl->claims.v);
    free(cl->groups.v);
    free(cl->findings.v);
    cc_names_free(cl->names);
    cc_names_free(cl->ids);
    free(cl->inputs);
    free(cl);
}

/* Looks up a name in a table, "?" when out of range. */
static const char *name_of(const char *const *tab, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? tab[v] : "?";
}
#define NAME_OF(tab, v) name_of((tab), sizeof(tab) / sizeof(*(tab)), (int)(v))

/* NDJSON spellings of the enums (docs/ndjson.md). */
const char *cc_class_name(cc_class c)
{
    static const char *const t[] = {"count", "amount", "percent", "money", "ordinal", "duration",
                                    "date",  "time",   "set",     "name",  "skip"};
    return NAME_OF(t, c);
}

const char *cc_qualifier_name(cc_qualifier q)
{
    static const char *const t[] = {"exact",     "approx",  "more_than", "at_least",
                                    "less_than", "at_most", "range",     "vague"};
    return NAME_OF(t, q);
}

const char *cc_verdict_name(cc_verdict v)
{
    static const char *const t[] = {"none",        "agree",   "conflict",
                                    "discrepancy", "updated", "single"};
    return NAME_OF(t, v);
}

const char *cc_category_name(cc_category c)
{
    static const char *const t[] = {"conflict",     "discrepancy", "updated",
                                    "name_variant", "agree",       "single"};
    return NAME_OF(t, c);
}

const char *cc_review_name(cc_review r)
{
    static const char *const t[] = {"open", "confirmed", "dismissed", "needs_reporting"};
    return NAME_OF(t, r);
}

/* The review named s, or CC_R_MAX (see model.h). */
cc_review cc_review_parse(const char *s)
{
    int r = 0;
    while (r < CC_R_MAX && strcmp(s, cc_review_name((cc_review)r)) != 0)
        r++;
    return (cc_review)r;
}

const char *cc_severity_name(cc_severity s)
{
    static const char *const t[] = {"high", "medium", "low"};
    return NAME_OF(t, s);
}

const char *cc_pub_from_name(cc_pub_from p)
{
    static const char *const t[] = {"none", "metadata", "text", "cluster"};
    return NAME_OF(t, p);
}

/* NULL for none: the NDJSON field is null and the store column NULL. */
const char *cc_change_name(cc_change c)
{
    static const char *const t[] = {NULL, "up", "down"};
    return NAME_OF(t, c);
}

/* NULL for none, like cc_change_name. */
const char *cc_change_role_name(cc_change_role r)
{
    static const char *const t[] = {NULL, "by", "to", "from"};
    return NAME_OF(t, r);
}

/* Static descriptions of cc_error values. */
const char *cc_strerror(cc_error err)
{
    static const char *const t[] = {"success",
                                    "out of memory",
                                    "input/output error",
                                    "invalid input article",
                                    "invalid rule file",
                                    "regular expression error",
                                    "database error",
                                    "workbook error",
                                    "no usable article"};
    return NAME_OF(t, err);
}

/* Brings the id index up to date (stored articles arrive without the
 * sink); false on allocation failure. */
static bool index_ids(cc_cluster *cl)
{
    if (!cl->ids && !(cl->ids = cc_names_new()))
        return false;
    for (; cl->n_ids < cl->articles.n; cl->n_ids++) {
        const char *id = cl->articles.v[cl->n_ids].id;
        cc_name_seen at = {cl->n_ids, 0, 0, 0, 0};
        if (!cc_names_add(cl->ids, id, strlen(id), &at, false))
            return false;
    }
    return true;
}

/* Index of the article with id, or CC_NONE (the index is up to date). */
static size_t find_article(const cc_cluster *cl, const char *id)
{
    const cc_name_form *f = cc_names_find(cl->ids, id, strlen(id));
    return f && f->n_seen ? f->seen[0].article : CC_NONE;
}

/* Makes id unique in the cluster by appending ~2, ~3...; takes ownership of
 * *id and may replace it. */
static bool unique_id(cc_cluster *cl, char **id)
{
    for (int n = 2; find_article(cl, *id) != CC_NONE; n++) {
        char *alt = cc_strfmt("%.*s~%d", (int)strcspn(*id, "~"), *id, n);
        if (!alt)
            return false;
        free(*id);
        *id = alt;
    }
    return true;
}

/* A stored article with a's id, which a new copy replaces; or NULL. */
static cc_article *stored_copy(cc_cluster *cl, const cc_article *a)
{
    size_t i = find_article(cl, a->id);
    return i != CC_NONE && cl->articles.v[i].from_store ? &cl->articles.v[i] : NULL;
}

/* Ingest sink: keeps the article (ownership moves to the cluster). */
static cc_error keep_article(void *ud, cc_article *a)
{
    cc_cluster *cl = ud;
    if (!index_ids(cl)) {
        cc_article_clear(a);
        return CC_ERROR_MEMORY;
    }
    cc_article *old = stored_copy(cl, a);
    if (old) { /* the same report again: the new text wins */
        cc_article_clear(old);
        *old = *a;
        return CC_OK;
    }
    if (!unique_id(cl, &a->id) || !CC_VEC_PUSH(cl->articles, *a)) {
        cc_article_clear(a);
        return CC_ERROR_MEMORY;
    }
    return CC_OK;
}

/* Appends one input to the run's record of inputs. */
static void note_input(cc_cluster *cl, const char *what, const char *path)
{
    char *all =
        cc_strfmt("%s%s%s%s", cl->inputs ? cl->inputs : "", cl->inputs ? "\n" : "", what, path);
    if (all) {
        free(cl->inputs);
        cl->inputs = all;
    }
}

/* Adds the stored articles of an earlier run (see claimcheck.h). */
cc_error cc_cluster_add_db(cc_cluster *cl, const char *db_path)
{
    note_input(cl, "db:", db_path);
    return cc_store_load_articles(cl, db_path);
}

/* Applies reviews and changes from db_path (see claimcheck.h). */
cc_error cc_cluster_read_history(cc_cluster *cl, const char *db_path, unsigned flags)
{
    return cc_store_read_history(cl, db_path, (flags & CC_HISTORY_LAST_RUN) != 0);
}

/* Records an editor's verdict (see claimcheck.h). */
cc_error cc_review_set(const char *db_path, const char *finding, const char *status,
                       const char *note, cc_diag_fn diag, void *ud)
{
    cc_cluster quiet = {.diag = diag, .diag_ud = ud}; /* only carries diag */
    return cc_store_review(&quiet, db_path, finding, status, note);
}

/* Adds everything at path (see claimcheck.h). */
cc_error cc_cluster_add_path(cc_cluster *cl, const char *path)
{
    note_input(cl, "", path);
    cc_error err = cc_ingest_path(path, keep_article, cl, cl->diag, cl->diag_ud);
    if (err == CC_ERROR_INPUT)
        cl->had_input_error = true;
    return err;
}

/* Runs extract over every article, then the cluster stages. */
cc_error cc_cluster_analyze(cc_cluster *cl)
{
    if (cl->articles.n == 0)
        return CC_ERROR_EMPTY;
    cc_extractor *ex = cc_extractor_new(cl->rules);
    cl->names = cc_names_new();
    if (!ex || !cl->names) {
        cc_extractor_free(ex);
        return CC_ERROR_MEMORY;
    }
    cc_error err = CC_OK;
    for (size_t i = 0; err == CC_OK && i < cl->articles.n; i++)
        err = cc_extract_article(ex, cl, i);
    cc_extractor_free(ex);
    if (err == CC_OK)
        err = cc_align(cl);
    if (err == CC_OK)
        err = cc_judge(cl);
    return err;
}

/* Stores the judged cluster in SQLite (stage 6). */
cc_error cc_cluster_store(const cc_cluster *cl, const char *db_path)
{
    return cc_store_write(cl, db_path);
}

/* Writes the editors' workbook (stage 7). */
cc_error cc_cluster_report(const cc_cluster *cl, const char *xlsx_path)
{
    return cc_report_write(cl, xlsx_path);
}

typedef struct stream_ctx {
    cc_cluster *cl;
    cc_extractor *ex;
    FILE *out;
    cc_buf json;      /* records not yet spilled to out (under 64 KiB); owned here */
    cc_arena strings; /* the current article's claims' strings; owned here */
} stream_ctx;

/* Ingest sink for streaming: extract, print (records collect in
 * sc->json and go out 64 KiB at a time), forget. */
static cc_error stream_article(void *ud, cc_article *a)
{
    stream_ctx *sc = ud;
    cc_cluster *cl = sc->cl;
    if (!CC_VEC_PUSH(cl->articles, *a)) {
        cc_article_clear(a);
        return CC_ERROR_MEMORY;
    }
    cc_error err = cc_extract_article(sc->ex, cl, 0);
    cc_json_article(cl, 0, &sc->json);
    for (size_t i = 0; i < cl->claims.n; i++)
        cc_json_claim(cl, i, &sc->json);
    if (!cc_json_spill(&sc->json, sc->out, false) && err == CC_OK)
        err = CC_ERROR_MEMORY;
    cl->claims.n = 0; /* their strings are the arena's: no frees, one reset */
    cc_arena_reset(&sc->strings);
    cc_article_clear(&cl->articles.v[0]);
    cl->articles.n = 0;
    if (err == CC_OK && ferror(sc->out))
        err = CC_ERROR_IO;
    return err;
}

/* Streams paths through ingest and extract (see claimcheck.h). */
cc_error cc_extract_stream(const cc_rules *rules, const char *const *paths, size_t n_paths,
                           FILE *out, cc_diag_fn diag, void *ud)
{
    stream_ctx sc = {cc_cluster_new(rules, diag, ud), cc_extractor_new(rules), out, {0}, {0}};
    cc_error err = sc.cl && sc.ex ? CC_OK : CC_ERROR_MEMORY;
    if (sc.cl)
        sc.cl->strings = &sc.strings;
    bool bad_input = false;
    for (size_t i = 0; err == CC_OK && i < n_paths; i++) {
        err = cc_ingest_path(paths[i], stream_article, &sc, diag, ud);
        bad_input |= err == CC_ERROR_INPUT;
        err = err == CC_ERROR_INPUT ? CC_OK : err;
    }
    if (!cc_json_spill(&sc.json, out, true) && err == CC_OK) /* what is left, even after an error */
        err = CC_ERROR_MEMORY;
    if (err == CC_OK && ferror(out))
        err = CC_ERROR_IO;
    cc_extractor_free(sc.ex);
    cc_cluster_free(sc.cl);
    cc_arena_free(&sc.strings);
    cc_buf_free(&sc.json);
    return err == CC_OK && bad_input ? CC_ERROR_INPUT : err;
}
